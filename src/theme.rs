//! Built-in colour themes, defined as TOML files of style strings such as
//! `"fg=green bold"`. Only the 16 ANSI colours can be named, so every theme
//! works in tmux and basic terminals; `mono` uses no colour at all.

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

/// The built-in themes: name and TOML source.
const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../config/themes/default.toml")),
    ("mono", include_str!("../config/themes/mono.toml")),
];

/// Every style the UI draws with, by role rather than by colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    pub name: &'static str,
    pub base: Style,
    pub muted: Style,
    pub accent: Style,
    pub title: Style,
    pub tab_active: Style,
    pub tab_inactive: Style,
    pub ok: Style,
    pub warn: Style,
    pub crit: Style,
    pub stale: Style,
    pub up: Style,
    pub down: Style,
    pub selected: Style,
    pub border: Style,
    pub demo_badge: Style,
    pub danger_badge: Style,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ThemeError {
    #[error("unknown theme `{name}` (expected one of: {})", Theme::names().join(", "))]
    Unknown { name: String },
    #[error("theme {theme}: {message}")]
    Toml { theme: String, message: String },
    #[error("theme {theme}: {field}: {error}")]
    Style { theme: String, field: &'static str, error: StyleError },
}

/// Why a style string such as `"fg=green bold"` could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StyleError {
    #[error(
        "unknown colour `{0}` (use one of the 16 ANSI names: black, red, green, yellow, blue, \
         magenta, cyan, gray, darkgray, lightred, lightgreen, lightyellow, lightblue, \
         lightmagenta, lightcyan, white, or reset)"
    )]
    Colour(String),
    #[error(
        "unknown style word `{0}` (use fg=<colour>, bg=<colour>, bold, dim, italic, \
         underlined, reversed, crossed_out)"
    )]
    Word(String),
}

/// The theme files' shape: one style string per role.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    base: String,
    muted: String,
    accent: String,
    title: String,
    tab_active: String,
    tab_inactive: String,
    ok: String,
    warn: String,
    crit: String,
    stale: String,
    up: String,
    down: String,
    selected: String,
    border: String,
    demo_badge: String,
    danger_badge: String,
}

impl Theme {
    /// Names of the built-in themes, for `ui.theme` and error messages.
    pub fn names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(name, _)| *name).collect()
    }

    /// A built-in theme by name.
    pub fn by_name(name: &str) -> Result<Theme, ThemeError> {
        let (name, text) = BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| ThemeError::Unknown { name: name.to_owned() })?;
        Theme::from_toml_str(name, text)
    }

    /// Parse a theme file: every role must be given as a style string.
    pub(crate) fn from_toml_str(name: &'static str, text: &str) -> Result<Theme, ThemeError> {
        let file: ThemeFile = toml::from_str(text).map_err(|e| ThemeError::Toml {
            theme: name.to_owned(),
            message: e.message().into(),
        })?;
        let style = |field: &'static str, value: &str| {
            parse_style(value).map_err(|error| ThemeError::Style {
                theme: name.to_owned(),
                field,
                error,
            })
        };
        Ok(Theme {
            name,
            base: style("base", &file.base)?,
            muted: style("muted", &file.muted)?,
            accent: style("accent", &file.accent)?,
            title: style("title", &file.title)?,
            tab_active: style("tab_active", &file.tab_active)?,
            tab_inactive: style("tab_inactive", &file.tab_inactive)?,
            ok: style("ok", &file.ok)?,
            warn: style("warn", &file.warn)?,
            crit: style("crit", &file.crit)?,
            stale: style("stale", &file.stale)?,
            up: style("up", &file.up)?,
            down: style("down", &file.down)?,
            selected: style("selected", &file.selected)?,
            border: style("border", &file.border)?,
            demo_badge: style("demo_badge", &file.demo_badge)?,
            danger_badge: style("danger_badge", &file.danger_badge)?,
        })
    }

    /// Every role's style, for checks over the whole theme.
    pub fn styles(&self) -> [(&'static str, Style); 16] {
        [
            ("base", self.base),
            ("muted", self.muted),
            ("accent", self.accent),
            ("title", self.title),
            ("tab_active", self.tab_active),
            ("tab_inactive", self.tab_inactive),
            ("ok", self.ok),
            ("warn", self.warn),
            ("crit", self.crit),
            ("stale", self.stale),
            ("up", self.up),
            ("down", self.down),
            ("selected", self.selected),
            ("border", self.border),
            ("demo_badge", self.demo_badge),
            ("danger_badge", self.danger_badge),
        ]
    }
}

impl Default for Theme {
    fn default() -> Theme {
        Theme::by_name("default").expect("config/themes/default.toml is valid")
    }
}

/// Parse `"fg=<colour> bg=<colour> bold dim ..."`; empty means no styling.
pub(crate) fn parse_style(text: &str) -> Result<Style, StyleError> {
    let mut style = Style::new();
    for word in text.split_whitespace() {
        let lower = word.to_ascii_lowercase();
        if let Some(colour) = lower.strip_prefix("fg=") {
            style = style.fg(parse_colour(colour)?);
        } else if let Some(colour) = lower.strip_prefix("bg=") {
            style = style.bg(parse_colour(colour)?);
        } else {
            let modifier = match lower.as_str() {
                "bold" => Modifier::BOLD,
                "dim" => Modifier::DIM,
                "italic" => Modifier::ITALIC,
                "underlined" | "underline" => Modifier::UNDERLINED,
                "reversed" | "reverse" => Modifier::REVERSED,
                "crossed_out" => Modifier::CROSSED_OUT,
                _ => return Err(StyleError::Word(word.to_owned())),
            };
            style = style.add_modifier(modifier);
        }
    }
    Ok(style)
}

/// One of the 16 ANSI colour names (lower case), or `reset`.
pub(crate) fn parse_colour(name: &str) -> Result<Color, StyleError> {
    Ok(match name {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        "reset" => Color::Reset,
        _ => return Err(StyleError::Colour(name.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_style_strings() {
        assert_eq!(
            parse_style("fg=green bg=black bold"),
            Ok(Style::new().fg(Color::Green).bg(Color::Black).add_modifier(Modifier::BOLD))
        );
        assert_eq!(parse_style(""), Ok(Style::new()));
        assert_eq!(parse_style("fg=#ff0000"), Err(StyleError::Colour("#ff0000".into())));
        assert_eq!(parse_style("blink"), Err(StyleError::Word("blink".into())));
    }

    #[test]
    fn builtins_parse() {
        for name in Theme::names() {
            let theme = Theme::by_name(name).expect("built-in theme parses");
            assert_eq!(theme.name, name);
        }
        assert!(matches!(Theme::by_name("solarized"), Err(ThemeError::Unknown { .. })));
    }

    #[test]
    fn bad_theme_file_names_the_field() {
        let text =
            include_str!("../config/themes/mono.toml").replace("\"dim italic\"", "\"wobbly\"");
        let err = Theme::from_toml_str("broken", &text).expect_err("rejected").to_string();
        assert!(err.starts_with("theme broken: stale: unknown style word `wobbly`"), "{err}");
    }

    #[test]
    fn mono_has_no_colours_but_distinct_states() {
        let mono = Theme::by_name("mono").expect("mono parses");
        for (role, style) in mono.styles() {
            assert_eq!((style.fg, style.bg), (None, None), "{role} uses a colour");
        }
        assert_ne!(mono.stale, mono.base);
        assert_ne!(mono.up, mono.down);
        assert_ne!(mono.up, mono.base);
        assert_ne!(mono.down, mono.base);
        assert_ne!(mono.selected, mono.base);
    }

    #[test]
    fn default_uses_only_ansi_colours() {
        for (role, style) in Theme::default().styles() {
            for colour in [style.fg, style.bg].into_iter().flatten() {
                assert!(
                    !matches!(colour, Color::Rgb(..) | Color::Indexed(_)),
                    "{role} uses {colour:?}"
                );
            }
        }
    }
}
