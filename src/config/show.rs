//! `meridian config show`: the config in effect, as TOML, headed by where
//! it came from: the file, the profile and who chose it, and each setting
//! the profile, the environment or a flag set. Tokens are never printed.

use std::fmt::Write as _;

use super::Loaded;

impl Loaded {
    /// The resolved config as `config show` prints it.
    pub fn show(&self) -> Result<String, toml::ser::Error> {
        let mut out = String::new();
        let _ = match &self.source {
            Some(p) => writeln!(out, "# from {}", p.display()),
            None => writeln!(out, "# no config file; defaults, environment and flags"),
        };
        let config = &self.config;
        match (&config.profile, &self.profile_chosen_by) {
            (Some(name), Some(by)) => {
                let _ = writeln!(out, "# profile: {name}, chosen by {by}");
            }
            (Some(name), None) => {
                let _ = writeln!(out, "# profile: {name}");
            }
            _ => {}
        }
        let others: Vec<&str> = config
            .profiles
            .keys()
            .map(String::as_str)
            .filter(|n| Some(*n) != config.profile.as_deref())
            .collect();
        if !others.is_empty() {
            let _ = writeln!(out, "# other profiles: {}", others.join(", "));
        }
        let token = if self.token.is_some() { "set (redacted)" } else { "not set" };
        let _ = writeln!(out, "# token: {token}");
        if !self.overridden.is_empty() {
            let _ = writeln!(out, "# set by the profile, the environment or flags:");
            let width = self.overridden.keys().map(String::len).max().unwrap_or(0);
            for (key, origin) in &self.overridden {
                let _ = writeln!(out, "#   {key:<width$}  {origin}");
            }
        }
        // Profiles are already applied; the tables themselves are the file's.
        let mut shown = config.clone();
        shown.profiles.clear();
        out.push_str(&toml::to_string_pretty(&shown)?);
        Ok(out)
    }
}
