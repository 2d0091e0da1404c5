//! Driving the state with keys, as a user would, and reading what it asked
//! the outbox to send.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use meridian::app::App;
use meridian::event::{Effect, Event};
use meridian::outbox::Action;

/// Press `code` with `mods`; the effects the state asked for.
pub fn press_mod(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    let mut fx = Vec::new();
    app.update(Event::Key(KeyEvent::new(code, mods)), &mut fx);
    fx
}

/// Press `code` alone.
pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press_mod(app, code, KeyModifiers::NONE)
}

/// Type `text`, one key per character.
pub fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The actions handed to the outbox among `fx`.
pub fn enqueued(fx: &[Effect]) -> Vec<Action> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Enqueue(b) => Some(b.actions.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}
