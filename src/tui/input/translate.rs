//! termina's events in the console's terms: a key becomes the crossterm
//! [`KeyEvent`](ct::KeyEvent) crossterm's own reader would have produced
//! (the app and keymap speak crossterm), the answer to the flow-control
//! probe becomes [`Event::TerminalAnswer`], and everything else is dropped
//! with a reason, never turned into a key.

use crossterm::event as ct;
use termina::escape::csi::{Csi, Device};
use termina::event as tm;

use crate::event::Event;

/// Why an input event went no further than the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dropped {
    /// An answer to a query other than primary device attributes.
    Answer,
    Mouse,
    Focus,
    /// A bracketed paste as one event (the framer types pastes instead).
    Paste,
    /// termina's own resize report (resizes come from SIGWINCH).
    Resize,
    /// A sequence nobody could read.
    Unknown,
    /// A sequence longer than any answer or key.
    TooLong,
}

impl Dropped {
    pub(super) fn label(self) -> &'static str {
        match self {
            Dropped::Answer => "answer",
            Dropped::Mouse => "mouse",
            Dropped::Focus => "focus",
            Dropped::Paste => "paste",
            Dropped::Resize => "resize",
            Dropped::Unknown => "unknown sequence",
            Dropped::TooLong => "over-long sequence",
        }
    }
}

/// The console's event for one of termina's, or why there is none.
pub(super) fn translate(event: tm::Event) -> Result<Event, Dropped> {
    match event {
        tm::Event::Key(key) => Ok(Event::Key(key_event(key))),
        tm::Event::Csi(Csi::Device(Device::DeviceAttributes(()))) => Ok(Event::TerminalAnswer),
        tm::Event::Csi(_) | tm::Event::Osc(_) | tm::Event::Dcs(_) => Err(Dropped::Answer),
        tm::Event::Mouse(_) => Err(Dropped::Mouse),
        tm::Event::FocusIn | tm::Event::FocusOut => Err(Dropped::Focus),
        tm::Event::Paste(_) => Err(Dropped::Paste),
        tm::Event::WindowResized(_) => Err(Dropped::Resize),
    }
}

fn key_event(key: tm::KeyEvent) -> ct::KeyEvent {
    ct::KeyEvent::new_with_kind_and_state(
        key_code(key.code),
        modifiers(key.modifiers),
        kind(key.kind),
        state(key.state),
    )
}

fn key_code(code: tm::KeyCode) -> ct::KeyCode {
    use ct::KeyCode as C;
    use tm::KeyCode as T;
    match code {
        T::Char(c) => C::Char(c),
        T::Enter => C::Enter,
        T::Backspace => C::Backspace,
        T::Tab => C::Tab,
        T::Escape => C::Esc,
        T::Left => C::Left,
        T::Right => C::Right,
        T::Up => C::Up,
        T::Down => C::Down,
        T::Home => C::Home,
        T::End => C::End,
        T::BackTab => C::BackTab,
        T::PageUp => C::PageUp,
        T::PageDown => C::PageDown,
        T::Insert => C::Insert,
        T::Delete => C::Delete,
        T::KeypadBegin => C::KeypadBegin,
        T::CapsLock => C::CapsLock,
        T::ScrollLock => C::ScrollLock,
        T::NumLock => C::NumLock,
        T::PrintScreen => C::PrintScreen,
        T::Pause => C::Pause,
        T::Menu => C::Menu,
        T::Null => C::Null,
        T::Function(n) => C::F(n),
        T::Modifier(m) => C::Modifier(modifier_key(m)),
        T::Media(m) => C::Media(media_key(m)),
    }
}

fn modifier_key(key: tm::ModifierKeyCode) -> ct::ModifierKeyCode {
    use ct::ModifierKeyCode as C;
    use tm::ModifierKeyCode as T;
    match key {
        T::LeftShift => C::LeftShift,
        T::LeftControl => C::LeftControl,
        T::LeftAlt => C::LeftAlt,
        T::LeftSuper => C::LeftSuper,
        T::LeftHyper => C::LeftHyper,
        T::LeftMeta => C::LeftMeta,
        T::RightShift => C::RightShift,
        T::RightControl => C::RightControl,
        T::RightAlt => C::RightAlt,
        T::RightSuper => C::RightSuper,
        T::RightHyper => C::RightHyper,
        T::RightMeta => C::RightMeta,
        T::IsoLevel3Shift => C::IsoLevel3Shift,
        T::IsoLevel5Shift => C::IsoLevel5Shift,
    }
}

fn media_key(key: tm::MediaKeyCode) -> ct::MediaKeyCode {
    use ct::MediaKeyCode as C;
    use tm::MediaKeyCode as T;
    match key {
        T::Play => C::Play,
        T::Pause => C::Pause,
        T::PlayPause => C::PlayPause,
        T::Reverse => C::Reverse,
        T::Stop => C::Stop,
        T::FastForward => C::FastForward,
        T::Rewind => C::Rewind,
        T::TrackNext => C::TrackNext,
        T::TrackPrevious => C::TrackPrevious,
        T::Record => C::Record,
        T::LowerVolume => C::LowerVolume,
        T::RaiseVolume => C::RaiseVolume,
        T::MuteVolume => C::MuteVolume,
    }
}

/// The two libraries number their modifier bits differently: match by name.
fn modifiers(m: tm::Modifiers) -> ct::KeyModifiers {
    let pairs = [
        (tm::Modifiers::SHIFT, ct::KeyModifiers::SHIFT),
        (tm::Modifiers::CONTROL, ct::KeyModifiers::CONTROL),
        (tm::Modifiers::ALT, ct::KeyModifiers::ALT),
        (tm::Modifiers::SUPER, ct::KeyModifiers::SUPER),
        (tm::Modifiers::HYPER, ct::KeyModifiers::HYPER),
        (tm::Modifiers::META, ct::KeyModifiers::META),
    ];
    pairs
        .into_iter()
        .filter(|(t, _)| m.contains(*t))
        .fold(ct::KeyModifiers::NONE, |a, (_, c)| a | c)
}

fn state(s: tm::KeyEventState) -> ct::KeyEventState {
    let pairs = [
        (tm::KeyEventState::KEYPAD, ct::KeyEventState::KEYPAD),
        (tm::KeyEventState::CAPS_LOCK, ct::KeyEventState::CAPS_LOCK),
        (tm::KeyEventState::NUM_LOCK, ct::KeyEventState::NUM_LOCK),
    ];
    pairs
        .into_iter()
        .filter(|(t, _)| s.contains(*t))
        .fold(ct::KeyEventState::NONE, |a, (_, c)| a | c)
}

fn kind(k: tm::KeyEventKind) -> ct::KeyEventKind {
    match k {
        tm::KeyEventKind::Press => ct::KeyEventKind::Press,
        tm::KeyEventKind::Repeat => ct::KeyEventKind::Repeat,
        tm::KeyEventKind::Release => ct::KeyEventKind::Release,
    }
}
