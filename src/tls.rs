//! TLS for https and wss: rustls with the system's roots and the Mozilla
//! (webpki) roots, plus an optional CA file. Certificates are always
//! verified, unless the user passes `--insecure` (and the console then says
//! so in red for the whole session). Also: TLS failures phrased for a user.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};

/// How to check servers' certificates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TlsOptions {
    /// Extra CA certificates (PEM) to trust.
    pub ca_file: Option<PathBuf>,
    /// Accept any certificate (`--insecure`).
    pub insecure: bool,
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum TlsError {
    #[error("cannot read the CA file {} (server.ca_file): {reason}", path.display())]
    CaFile { path: PathBuf, reason: String },
    #[error("the CA file {} (server.ca_file) holds no usable certificate", path.display())]
    NoCertificate { path: PathBuf },
    #[error("cannot set up TLS: {0}")]
    Setup(#[from] rustls::Error),
}

/// rustls needs a process-wide crypto provider; we use ring. Safe to call
/// again: later calls keep the first provider.
pub fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The client TLS setup for every connection, without ALPN (WebSocket
/// handshakes are HTTP/1.1; the REST client adds its own protocols).
pub(crate) fn client_config(opts: &TlsOptions) -> Result<Arc<ClientConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let config = if opts.insecure {
        let verifier = AcceptAnyCertificate(provider.signature_verification_algorithms);
        builder.dangerous().with_custom_certificate_verifier(Arc::new(verifier))
    } else {
        builder.with_root_certificates(roots(opts.ca_file.as_deref())?)
    };
    Ok(Arc::new(config.with_no_client_auth()))
}

/// The system's roots, the Mozilla roots, and the CA file's certificates.
fn roots(ca_file: Option<&Path>) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    // A system store that cannot be read leaves the Mozilla roots.
    let system = rustls_native_certs::load_native_certs();
    if !system.errors.is_empty() {
        tracing::warn!(errors = system.errors.len(), "some system CA certificates were unreadable");
    }
    roots.add_parsable_certificates(system.certs);
    if let Some(path) = ca_file {
        let fail = |reason: String| TlsError::CaFile { path: path.to_owned(), reason };
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .map_err(|e| fail(e.to_string()))?
            .collect::<Result<_, _>>()
            .map_err(|e| fail(e.to_string()))?;
        let (added, _) = roots.add_parsable_certificates(certs);
        if added == 0 {
            return Err(TlsError::NoCertificate { path: path.to_owned() });
        }
    }
    Ok(roots)
}

/// `--insecure`: any certificate for any name, but the handshake's
/// signatures are still checked, so the session is at least encrypted.
#[derive(Debug)]
struct AcceptAnyCertificate(WebPkiSupportedAlgorithms);

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_schemes()
    }
}

/// The rustls error somewhere in `err`'s chain (io errors hide theirs in
/// `get_ref`, not `source`).
fn find_rustls<'e>(err: &'e (dyn StdError + 'static)) -> Option<&'e rustls::Error> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        let io_inner = e.downcast_ref::<std::io::Error>().and_then(|io| io.get_ref());
        if let Some(tls) = io_inner.and_then(|inner| find_rustls(inner)) {
            return Some(tls);
        }
        next = e.source();
    }
    None
}

/// A TLS failure in `err`, said so a user knows what to change; `None` when
/// the error is not about TLS.
pub(crate) fn explain(err: &(dyn StdError + 'static)) -> Option<String> {
    Some(explain_rustls(find_rustls(err)?))
}

/// A plain-HTTP client that reached a TLS port reads the server's TLS alert
/// as a status line, which the HTTP parsers report as "invalid HTTP
/// version". Given that parse error's text, the advice (`secure` is the
/// scheme to use instead: https or wss).
pub(crate) fn explain_plain_to_tls(parse_error: &str, secure: &str) -> Option<String> {
    parse_error
        .contains("invalid HTTP version")
        .then(|| format!("the answer is not HTTP; if this port speaks TLS, use {secure}://"))
}

pub(crate) fn explain_rustls(e: &rustls::Error) -> String {
    use rustls::Error as E;
    match e {
        E::InvalidCertificate(cert) => match cert {
            CertificateError::UnknownIssuer => "TLS: the server's certificate is not signed by a \
                trusted CA (add its CA with server.ca_file)"
                .into(),
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "TLS: the server's certificate is not valid for this host name".into()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "TLS: the server's certificate has expired".into()
            }
            other => format!("TLS: the server's certificate was refused ({other:?})"),
        },
        E::InvalidMessage(_) => {
            "the server does not speak TLS on this port (use http:// or ws://)".into()
        }
        E::AlertReceived(alert) => format!("TLS: the server refused the handshake ({alert:?})"),
        other => format!("TLS: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_empty_ca_file_is_named() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("nope.pem");
        let opts = TlsOptions { ca_file: Some(missing.clone()), insecure: false };
        let err = client_config(&opts).expect_err("missing").to_string();
        assert!(err.contains("nope.pem") && err.contains("server.ca_file"), "{err}");
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").expect("write");
        let opts = TlsOptions { ca_file: Some(empty), insecure: false };
        let err = client_config(&opts).expect_err("empty").to_string();
        assert!(err.contains("no usable certificate"), "{err}");
    }

    #[test]
    fn tls_errors_inside_io_errors_are_found_and_explained() {
        let rustls = rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls);
        let text = explain(&io).expect("found");
        assert!(text.contains("not signed by a trusted CA"), "{text}");
        let plain = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert_eq!(explain(&plain), None);
    }
}
