package io.trainyard.platform.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** Asks for the local admin identity; only honoured while auth is off. */
public final class LocalAdminAuthenticationRequest extends BaseAuthenticationRequest {}
