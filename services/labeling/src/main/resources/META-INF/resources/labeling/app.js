// The annotator's page: /labeling/?project=<id>. It asks the labeling API for the caller's next
// task, shows its fields and suggestion, and sends the chosen label (keys 1..9) or a skip (s).
(function () {
  "use strict";
  const params = new URLSearchParams(window.location.search);
  const projectId = params.get("project");
  const api = "/api/v1/labeling/projects/" + encodeURIComponent(projectId || "");
  const el = (id) => document.getElementById(id);
  let token = window.sessionStorage.getItem("trainyard-token");
  let task = null;
  let busy = false;

  function say(text, error) {
    el("message").textContent = text;
    el("message").className = error ? "error" : "";
  }

  async function call(method, path, body) {
    const response = await fetch(api + path, {
      method: method,
      headers: Object.assign(
        { Authorization: "Bearer " + token },
        body ? { "Content-Type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 204) {
      return null;
    }
    const json = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new Error(json.detail || json.title || "HTTP " + response.status);
    }
    return json;
  }

  async function progress() {
    const project = await call("GET", "");
    el("project-name").textContent = project.id + " (" + project.status + ")";
    el("guidelines").textContent = project.guidelines || "No guidelines.";
    const share = project.tasks === 0 ? 100 : Math.round((100 * project.labeledTasks) / project.tasks);
    el("progress-bar").style.width = share + "%";
    el("progress").setAttribute("aria-valuenow", String(share));
    el("progress-text").textContent =
      project.labeledTasks + " of " + project.tasks + " tasks labeled (" + share + " %)";
  }

  function show(next) {
    task = next;
    if (!task) {
      el("task").hidden = true;
      say("Nothing left for you to label in this project. Thank you!");
      return;
    }
    el("task").hidden = false;
    const fields = el("fields");
    fields.replaceChildren();
    for (const [name, value] of Object.entries(task.data)) {
      const row = fields.insertRow();
      const th = document.createElement("th");
      th.textContent = name;
      row.appendChild(th);
      row.insertCell().textContent = value === null ? "—" : String(value);
    }
    const suggested = task.model ? task.model.label : task.preAnnotation ? task.preAnnotation.label : null;
    el("suggestion").textContent = task.model
      ? "Model v" + task.model.version + " suggests " + task.model.label +
        " (confidence " + task.model.confidence.toFixed(2) + ")"
      : task.preAnnotation && task.preAnnotation.label
        ? "The rules suggest " + task.preAnnotation.label
        : "";
    const classes = el("classes");
    classes.replaceChildren();
    task.classes.forEach((label, i) => {
      const button = document.createElement("button");
      button.className = "class" + (label === suggested ? " suggested" : "");
      button.dataset.label = label;
      if (i < 9) {
        const key = document.createElement("kbd");
        key.textContent = String(i + 1);
        button.appendChild(key);
      }
      button.appendChild(document.createTextNode(label));
      button.addEventListener("click", () => answer({ label: label }));
      classes.appendChild(button);
    });
  }

  async function answer(body) {
    if (!task || busy) {
      return;
    }
    busy = true;
    try {
      await call("POST", "/tasks/" + task.taskId + "/annotations", body);
      await load();
      if (task) {
        // Said after the next task is shown, so that it stays until the next answer.
        say(body.skip ? "Skipped." : "Saved: " + body.label);
      }
    } catch (e) {
      say(e.message, true);
    } finally {
      busy = false;
    }
  }

  async function load() {
    try {
      await progress();
      show(await call("GET", "/next"));
    } catch (e) {
      el("task").hidden = true;
      say(e.message, true);
    }
  }

  document.addEventListener("keydown", (event) => {
    if (!task || event.target.tagName === "INPUT") {
      return;
    }
    if (event.key === "s") {
      answer({ skip: true });
    } else if (/^[1-9]$/.test(event.key)) {
      const label = task.classes[Number(event.key) - 1];
      if (label !== undefined) {
        answer({ label: label });
      }
    }
  });
  el("skip").addEventListener("click", () => answer({ skip: true }));
  el("sign-in-button").addEventListener("click", () => {
    token = el("token").value.trim();
    window.sessionStorage.setItem("trainyard-token", token);
    el("sign-in").hidden = true;
    load();
  });

  if (!projectId) {
    say("Open this page with ?project=<project id>.", true);
  } else if (!token) {
    el("sign-in").hidden = false;
  } else {
    load();
  }
})();
