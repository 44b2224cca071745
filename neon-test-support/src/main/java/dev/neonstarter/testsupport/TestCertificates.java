package dev.neonstarter.testsupport;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority made at test time: a root, a server certificate for {@code localhost}
 * and {@code 127.0.0.1}, one for another host name (hostname-mismatch tests) and an unrelated root
 * (wrong-root tests). PEM files are written to a directory of the caller's.
 */
public final class TestCertificates {

	private static final AtomicLong serials = new AtomicLong(System.currentTimeMillis());

	private final Path caCertificate;

	private final Path serverCertificate;

	private final Path serverKey;

	private final Path wrongHostCertificate;

	private final Path wrongHostKey;

	private final Path otherCaCertificate;

	private TestCertificates(Path directory) throws GeneralSecurityException, OperatorCreationException, IOException {
		KeyPair caKeys = keyPair();
		X509Certificate ca = selfSignedRoot("CN=Neon Starter Test Root CA", caKeys);
		KeyPair serverKeys = keyPair();
		X509Certificate server = leaf("CN=localhost", serverKeys, ca, caKeys.getPrivate(),
				new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
		KeyPair wrongKeys = keyPair();
		X509Certificate wrong = leaf("CN=wrong.example", wrongKeys, ca, caKeys.getPrivate(),
				new GeneralName(GeneralName.dNSName, "wrong.example"));
		X509Certificate otherCa = selfSignedRoot("CN=Some Other Root CA", keyPair());
		Files.createDirectories(directory);
		this.caCertificate = write(directory.resolve("root.crt"), ca);
		this.serverCertificate = write(directory.resolve("server.crt"), server);
		this.serverKey = writeKey(directory.resolve("server.key"), serverKeys.getPrivate());
		this.wrongHostCertificate = write(directory.resolve("wrong-host.crt"), wrong);
		this.wrongHostKey = writeKey(directory.resolve("wrong-host.key"), wrongKeys.getPrivate());
		this.otherCaCertificate = write(directory.resolve("other-root.crt"), otherCa);
	}

	static TestCertificates create(Path directory) {
		try {
			return new TestCertificates(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException | OperatorCreationException ex) {
			throw new IllegalStateException("Could not create test certificates", ex);
		}
	}

	/** The root that signed the server certificates (PEM). */
	public Path caCertificate() {
		return this.caCertificate;
	}

	Path serverCertificate() {
		return this.serverCertificate;
	}

	Path serverKey() {
		return this.serverKey;
	}

	/** A certificate for {@code wrong.example}, signed by {@link #caCertificate()}. */
	public Path wrongHostCertificate() {
		return this.wrongHostCertificate;
	}

	public Path wrongHostKey() {
		return this.wrongHostKey;
	}

	/** A root that signed nothing here (PEM). */
	public Path otherCaCertificate() {
		return this.otherCaCertificate;
	}

	private static KeyPair keyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
		generator.initialize(2048);
		return generator.generateKeyPair();
	}

	private static X509Certificate selfSignedRoot(String subject, KeyPair keys)
			throws GeneralSecurityException, OperatorCreationException, IOException {
		X500Name name = new X500Name(subject);
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(), notBefore(), notAfter(), name,
				keys.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
		builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		return sign(builder, keys.getPrivate());
	}

	private static X509Certificate leaf(String subject, KeyPair keys, X509Certificate issuer, PrivateKey issuerKey,
			GeneralName... alternativeNames) throws GeneralSecurityException, OperatorCreationException, IOException {
		X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, serial(), notBefore(), notAfter(),
				new X500Name(subject), keys.getPublic());
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
		builder.addExtension(Extension.keyUsage, true,
				new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
		builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternativeNames));
		return sign(builder, issuerKey);
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
			throws GeneralSecurityException, OperatorCreationException {
		ContentSigner signer = new JcaContentSignerBuilder("SHA256withRSA").build(key);
		return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
	}

	private static BigInteger serial() {
		return BigInteger.valueOf(serials.incrementAndGet());
	}

	private static Date notBefore() {
		return Date.from(Instant.now().minus(Duration.ofHours(1)));
	}

	private static Date notAfter() {
		return Date.from(Instant.now().plus(Duration.ofDays(2)));
	}

	private static Path write(Path file, Object pemObject) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(pemObject);
		}
		Files.writeString(file, text.toString());
		return file;
	}

	private static Path writeKey(Path file, PrivateKey key) throws IOException {
		write(file, key);
		// PostgreSQL refuses a key file that others can read.
		Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		return file;
	}

}
