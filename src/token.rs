//! The API token: where it comes from (`MERIDIAN_TOKEN`, a `token_command`,
//! a `token_file`) and a type that keeps it out of logs, panics and the
//! screen. The only way to read it is [`Token::expose`], called where it
//! goes into an `Authorization` header.

use std::fmt;
use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A bearer token. `Debug` prints `Token(<redacted>)` and there is no
/// `Display`, so a token inside any struct is safe to log or panic with.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    /// The trimmed text, or `None` when it is empty.
    pub fn new(text: &str) -> Option<Token> {
        Some(text.trim()).filter(|t| !t.is_empty()).map(|t| Token(t.to_owned()))
    }

    /// The secret itself, for an `Authorization` header only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `Bearer <token>`, the header value the contract asks for.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// How long a `token_command` may run (it may be waiting on a passphrase
/// prompt) before it is killed.
pub(crate) const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

/// Run `command` with `sh -c` and take its trimmed standard output as the
/// token. Its stderr and stdin stay on the terminal, so a password manager
/// can prompt. The error never includes the output, which may be a secret.
pub(crate) fn from_command(command: &str, timeout: Duration) -> Result<Option<Token>, String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdout(Stdio::piped())
        .stdin(Stdio::inherit())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("cannot read its output")?;
    // Read on a thread so a command that never exits can still be killed.
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).map(|_| out)
    });
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| format!("cannot wait for it: {e}"))? {
            Some(status) => break status,
            None if start.elapsed() >= timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("it did not finish within {} s", timeout.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    };
    let out = reader
        .join()
        .map_err(|_| "cannot read its output".to_owned())?
        .map_err(|e| format!("cannot read its output: {e}"))?;
    if !status.success() {
        return Err(format!("it failed ({status})"));
    }
    let text = String::from_utf8(out).map_err(|_| "its output is not UTF-8".to_owned())?;
    Ok(Token::new(&text))
}

/// A warning when a token file can be read by anyone but its owner.
#[cfg(unix)]
pub(crate) fn file_permission_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt as _;
    let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
    let who = match (mode & 0o040 != 0, mode & 0o004 != 0) {
        (_, true) => "everyone",
        (true, false) => "its group",
        (false, false) => return None,
    };
    Some(format!(
        "token file {} can be read by {who} (mode {mode:o}); run `chmod 600 {}`",
        path.display(),
        path.display()
    ))
}

#[cfg(not(unix))]
pub(crate) fn file_permission_warning(_path: &Path) -> Option<String> {
    None
}

/// Drop any userinfo (user:password@) from a URL before it is shown.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_password(None);
            let _ = u.set_username("");
            u.to_string().trim_end_matches('/').to_owned()
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(redact_url("https://bob:secret@example.com/api"), "https://example.com/api");
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let token = Token::new("  s3cret\n").expect("non-empty");
        assert_eq!(token.expose(), "s3cret");
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
        assert_eq!(format!("{:?}", Some(&token)), "Some(Token(<redacted>))");
        assert_eq!(Token::new(" \n"), None);
    }

    #[test]
    fn a_command_gives_its_trimmed_output() {
        let token = from_command("printf '  tok-123\\n'", COMMAND_TIMEOUT).expect("runs");
        assert_eq!(token.as_ref().map(Token::expose), Some("tok-123"));
        assert_eq!(from_command("true", COMMAND_TIMEOUT), Ok(None));
    }

    #[test]
    fn a_failing_command_says_so_without_its_output() {
        let err = from_command("echo leaked-secret; exit 3", COMMAND_TIMEOUT).expect_err("fails");
        assert!(err.contains("exit status: 3"), "{err}");
        assert!(!err.contains("leaked-secret"), "{err}");
    }

    #[test]
    fn a_hanging_command_is_killed() {
        let err = from_command("sleep 30", Duration::from_millis(100)).expect_err("times out");
        assert!(err.contains("did not finish"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn readable_token_files_are_named() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("token");
        std::fs::write(&path, "t").expect("write");
        let set = |mode| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode));
        set(0o600).expect("chmod");
        assert_eq!(file_permission_warning(&path), None);
        set(0o640).expect("chmod");
        let warning = file_permission_warning(&path).expect("group-readable");
        assert!(warning.contains("its group") && warning.contains("chmod 600"), "{warning}");
        set(0o644).expect("chmod");
        assert!(file_permission_warning(&path).expect("world").contains("everyone"));
    }
}
