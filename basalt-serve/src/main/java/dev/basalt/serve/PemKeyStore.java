package dev.basalt.serve;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TLS server's key store from PEM files, as web servers and certificate tools write them: a certificate chain
 * ({@code -----BEGIN CERTIFICATE-----} blocks, the server's own first) and its unencrypted private key, either
 * PKCS#8 ({@code BEGIN PRIVATE KEY}: RSA, EC, Ed25519, ...) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, re-wrapped as
 * PKCS#8 here). Encrypted keys and SEC1 EC keys are refused with the openssl command that converts them.
 */
final class PemKeyStore {
    /** The alias and the (in-memory only) password of the one key entry. */
    static final String ALIAS = "basalt-serve";
    static final char[] PASSWORD = "basalt-serve".toCharArray();

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");

    private PemKeyStore() {
    }

    /**
     * A PKCS#12 key store holding {@code key} with the chain of {@code cert}.
     *
     * @throws IllegalArgumentException if a file holds no certificate / no supported key, or they do not match
     * @throws IOException if a file cannot be read
     */
    static KeyStore load(Path cert, Path key) throws IOException {
        List<Certificate> chain;
        try {
            chain = List.copyOf(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(cert))));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(cert + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(cert + ": no certificate in it");
        }
        PrivateKey privateKey = privateKey(key, Files.readString(key, StandardCharsets.US_ASCII));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, privateKey, PASSWORD, chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the key in " + key + " does not fit the certificate in " + cert
                    + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(Path file, String pem) {
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(file, der);
                }
                case "RSA PRIVATE KEY" -> {
                    return pkcs8(file, rsaPkcs1ToPkcs8(der));
                }
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file + ": the private key is "
                        + "encrypted; write it unencrypted: openssl pkcs8 -topk8 -nocrypt -in " + file);
                case "EC PRIVATE KEY" -> throw new IllegalArgumentException(file + ": a SEC1 EC key; convert it "
                        + "to PKCS#8: openssl pkcs8 -topk8 -nocrypt -in " + file);
                default -> {
                    // certificates or parameters next to the key: skipped
                }
            }
        }
        throw new IllegalArgumentException(file + ": no PEM private key in it (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)");
    }

    private static PrivateKey pkcs8(Path file, byte[] der) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "DSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // not this algorithm: the next one
            }
        }
        throw new IllegalArgumentException(file + ": a private key of no supported algorithm (RSA, EC, EdDSA, DSA)");
    }

    /** PKCS#8 {@code PrivateKeyInfo} around a PKCS#1 {@code RSAPrivateKey}: version 0, rsaEncryption, NULL. */
    static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01,
                0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algorithm);
        body.write(0x04);
        body.writeBytes(derLength(pkcs1.length));
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        out.writeBytes(derLength(body.size()));
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static byte[] derLength(int n) {
        if (n < 0x80) {
            return new byte[] {(byte) n};
        }
        if (n < 0x100) {
            return new byte[] {(byte) 0x81, (byte) n};
        }
        if (n < 0x10000) {
            return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
        }
        return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    }
}
