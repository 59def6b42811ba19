package io.trainyard.local.auth;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * The local signing key of development tokens: an RSA key pair in a directory ({@code
 * $TRAINYARD_HOME/auth/} for {@code ./trainyard}), generated on first use. {@value #PRIVATE_KEY} is
 * PKCS#8 PEM readable by its owner only (0600); {@value #PUBLIC_KEY} is the X.509
 * SubjectPublicKeyInfo PEM that services verify tokens with.
 */
public final class DevKeys {
  public static final String PRIVATE_KEY = "private-key.pem";
  public static final String PUBLIC_KEY = "public-key.pem";

  static final int KEY_BITS = 2048;

  private DevKeys() {}

  /** The public key file in {@code dir}. */
  public static Path publicKeyFile(Path dir) {
    return dir.resolve(PUBLIC_KEY);
  }

  /** The private key file in {@code dir}. */
  public static Path privateKeyFile(Path dir) {
    return dir.resolve(PRIVATE_KEY);
  }

  /**
   * The key pair in {@code dir}, generated (with the directory) if it has none. Safe to call from
   * several processes at once: one generates, the others read.
   *
   * @throws IllegalStateException if the files cannot be written or read
   */
  public static KeyPair loadOrCreate(Path dir) {
    try {
      Files.createDirectories(dir);
      restrict(dir, "rwx------");
      try (FileChannel channel =
              FileChannel.open(
                  dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (Files.isRegularFile(privateKeyFile(dir))) {
          KeyPair pair = load(dir);
          if (!Files.isRegularFile(publicKeyFile(dir))) {
            write(publicKeyFile(dir), pem("PUBLIC KEY", pair.getPublic().getEncoded()), null);
          }
          return pair;
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(KEY_BITS);
        KeyPair pair = generator.generateKeyPair();
        write(privateKeyFile(dir), pem("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
        write(publicKeyFile(dir), pem("PUBLIC KEY", pair.getPublic().getEncoded()), "rw-r--r--");
        return pair;
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot create or read the signing key in " + dir + ": " + e, e);
    }
  }

  /** The key pair stored in {@code dir} (the public key is derived from the private one). */
  static KeyPair load(Path dir) throws IOException, GeneralSecurityException {
    PrivateKey privateKey = readPrivateKey(privateKeyFile(dir));
    if (!(privateKey instanceof RSAPrivateCrtKey crt)) {
      throw new GeneralSecurityException(privateKeyFile(dir) + " is not an RSA private key");
    }
    PublicKey publicKey =
        KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
    return new KeyPair(publicKey, privateKey);
  }

  /** Reads a PKCS#8 PEM ({@code -----BEGIN PRIVATE KEY-----}) RSA private key. */
  public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
    byte[] der = der(Files.readString(file, StandardCharsets.US_ASCII), "PRIVATE KEY", file);
    return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  /** Reads an X.509 PEM ({@code -----BEGIN PUBLIC KEY-----}) RSA public key. */
  public static PublicKey readPublicKey(Path file) throws IOException, GeneralSecurityException {
    byte[] der = der(Files.readString(file, StandardCharsets.US_ASCII), "PUBLIC KEY", file);
    return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
  }

  /** PEM text of a DER structure. */
  public static String pem(String label, byte[] der) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END "
        + label
        + "-----\n";
  }

  private static byte[] der(String pem, String label, Path file) throws GeneralSecurityException {
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new GeneralSecurityException(file + " is not a PEM file with a " + label);
    }
    return Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
  }

  /** Writes atomically, with {@code permissions} (POSIX) set before the content is visible. */
  private static void write(Path file, String content, String permissions) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    if (permissions != null) {
      restrict(tmp, permissions);
    }
    Files.writeString(tmp, content, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private static void restrict(Path path, String permissions) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Set<PosixFilePermission> perms = PosixFilePermissions.fromString(permissions);
      Files.setPosixFilePermissions(path, perms);
    }
  }
}
