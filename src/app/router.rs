//! One place decides who gets a key. [`App::layer`] says which layer owns
//! the keyboard; [`App::on_key`] looks the key up in that layer's keymap
//! section (see `config/keymap.toml`) and hands the action to that layer.
//! In a text field, a key that is not bound there edits the text.
//!
//! ```text
//!   key ──> layer() ──> keymap.action(layer.context(), key) ──> offered here?
//!             │                                                   │
//!             ├ Tab(t)        [t] then [global] ──> on_tab_action │
//!             ├ Palette       [palette]          ──> on_palette   │
//!             ├ ReportDetail  [report_detail] then [global]       │
//!             │                                  ──> on_report_detail
//!             ├ Help          [help]             ──> on_help      │
//!             ├ Toast         [toast]            ──> on_toast     │
//!             ├ SymbolPrompt  [text]             ──> on_prompt    ├ else: the
//!             ├ Text, Note    [text], [note]     ──> on_text      │ editor for
//!             ├ Confirm       [confirm]          ──> on_confirm   │ text layers,
//!             ├ Rate          [rate]             ──> on_rate      │ nothing for
//!             ├ Outbox        [outbox]           ──> on_outbox    │ the others
//!             └ PriceAlerts   [price_alerts]     ──> on_price_alerts_view
//! ```

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::review::{Confirm, Modal, OnConfirm, TextEntry};
use super::{App, Tab};
use crate::event::Effect;
use crate::keymap::{Action, Context};
use crate::outbox::ItemStatus;

/// Who owns the keyboard. At most one layer is open over the tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// No overlay: the tab's keys, then the global ones.
    Tab(Tab),
    /// A report full screen (Enter on Reports): its keys, then the
    /// global ones, as on a tab.
    ReportDetail,
    /// The `?` overlay.
    Help,
    /// The critical-alert toasts, focused with `n`.
    Toast,
    /// The Markets add-symbol prompt (a one-line text field).
    SymbolPrompt,
    /// A yes/no dialog.
    Confirm,
    /// Waiting for a 1-5 rating.
    Rate,
    /// A one-line text entry (a reason, a note on approval, the filter).
    Text,
    /// A multi-line text entry (a comment).
    Note,
    /// The outbox view.
    Outbox,
    /// The price alerts' list.
    PriceAlerts,
    /// The `:` command palette.
    Palette,
}

impl Layer {
    /// The keymap section that serves this layer.
    pub(crate) fn context(self) -> Context {
        match self {
            Layer::Tab(tab) => tab.context(),
            Layer::ReportDetail => Context::ReportDetail,
            Layer::Help => Context::Help,
            Layer::Toast => Context::Toast,
            Layer::SymbolPrompt | Layer::Text => Context::Text,
            Layer::Note => Context::Note,
            Layer::Confirm => Context::Confirm,
            Layer::Rate => Context::Rate,
            Layer::Outbox => Context::Outbox,
            Layer::PriceAlerts => Context::PriceAlerts,
            Layer::Palette => Context::Palette,
        }
    }
}

/// Stars for a rating action.
fn stars(action: Action) -> Option<u8> {
    match action {
        Action::Rate1 => Some(1),
        Action::Rate2 => Some(2),
        Action::Rate3 => Some(3),
        Action::Rate4 => Some(4),
        Action::Rate5 => Some(5),
        _ => None,
    }
}

impl App {
    /// The layer that owns the keyboard now.
    pub fn layer(&self) -> Layer {
        if self.palette.prompt.is_some() {
            return Layer::Palette;
        }
        if self.markets.input.is_some() {
            return Layer::SymbolPrompt;
        }
        match &self.modal {
            Some(Modal::Confirm(_)) => Layer::Confirm,
            Some(Modal::Rate { .. }) => Layer::Rate,
            Some(Modal::Text(entry)) if entry.multiline => Layer::Note,
            Some(Modal::Text(_)) => Layer::Text,
            Some(Modal::Outbox { .. }) => Layer::Outbox,
            Some(Modal::PriceAlerts { .. }) => Layer::PriceAlerts,
            None if self.show_help => Layer::Help,
            None if self.alerts.focus.is_some() => Layer::Toast,
            None if self.report_detail_open() => Layer::ReportDetail,
            None => Layer::Tab(self.tab),
        }
    }

    /// The layer that owns the keyboard and what `key` asks of it there (an
    /// action that layer offers, or none: text for a text field). None for
    /// a key release, which does nothing anywhere.
    pub(super) fn key_action(&self, key: &KeyEvent) -> Option<(Layer, Option<Action>)> {
        if key.kind == KeyEventKind::Release {
            return None;
        }
        let layer = self.layer();
        let ctx = layer.context();
        Some((layer, self.keymap.action(ctx, key).filter(|&a| ctx.offers(a))))
    }

    /// Route one key to the layer that owns the keyboard. Returns true when
    /// the screen must be redrawn.
    pub(super) fn on_key(&mut self, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
        let Some((layer, action)) = self.key_action(&key) else { return false };
        match layer {
            Layer::Tab(_) => action.is_some_and(|a| self.on_tab_action(a, fx)),
            Layer::Palette => self.on_palette(action, key, fx),
            Layer::ReportDetail => action.is_some_and(|a| self.on_report_detail(a, fx)),
            Layer::Help => action.is_some_and(|a| self.on_help(a, fx)),
            Layer::Toast => action.is_some_and(|a| self.on_toast(a)),
            Layer::SymbolPrompt => self.on_prompt(action, key, fx),
            Layer::Text | Layer::Note => self.on_text(action, key, fx),
            Layer::Confirm => action.is_some_and(|a| self.on_confirm(a, fx)),
            Layer::Rate => action.is_some_and(|a| self.on_rate(a, fx)),
            Layer::Outbox => action.is_some_and(|a| self.on_outbox_view(a, fx)),
            Layer::PriceAlerts => action.is_some_and(|a| self.on_price_alerts_view(a, fx)),
        }
    }

    fn on_help(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        match action {
            Action::Back => self.show_help = false,
            Action::Quit => self.quit(fx),
            _ => return false,
        }
        true
    }

    /// The add-symbol prompt: a one-line text field for a symbol.
    fn on_prompt(&mut self, action: Option<Action>, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
        let Some(input) = self.markets.input.as_mut() else { return false };
        match action {
            Some(Action::Cancel) => self.markets.input = None,
            Some(Action::Submit) => self.add_typed_symbol(fx),
            _ if key.code == KeyCode::Backspace => {
                input.pop();
            }
            _ => match typed_char(&key) {
                Some(c) if input.chars().count() < 16 => input.push(c),
                _ => return false,
            },
        }
        true
    }

    fn on_text(&mut self, action: Option<Action>, key: KeyEvent, fx: &mut Vec<Effect>) -> bool {
        let Some(Modal::Text(mut entry)) = self.modal.take() else { return false };
        self.modal = match action {
            Some(Action::Cancel) => None,
            Some(Action::Newline) => {
                entry.editor.insert_newline();
                Some(Modal::Text(entry))
            }
            Some(Action::Submit) => self.submit_entry(entry, fx),
            // A one-line entry has no second line to start.
            _ if !entry.multiline && key.code == KeyCode::Enter => Some(Modal::Text(entry)),
            _ => {
                entry.editor.input(key);
                entry.error = None;
                Some(Modal::Text(entry))
            }
        };
        true
    }

    /// Submit a text entry: it closes, or stays open saying what is wrong.
    pub(super) fn submit_entry(
        &mut self,
        mut entry: Box<TextEntry>,
        fx: &mut Vec<Effect>,
    ) -> Option<Modal> {
        let text = entry.text();
        if entry.required && text.is_empty() {
            let cancel = self.keymap.keys_text(entry.context(), Action::Cancel);
            entry.error = Some(format!("this needs some text ({cancel} cancels)"));
            return Some(Modal::Text(entry));
        }
        match self.submit_text(entry.purpose.clone(), text, fx) {
            Ok(()) => None,
            Err(e) => {
                entry.error = Some(e);
                Some(Modal::Text(entry))
            }
        }
    }

    fn on_confirm(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        let Some(Modal::Confirm(c)) = self.modal.take() else { return false };
        self.modal = match action {
            Action::Confirm => self.confirm(c.on_yes, fx),
            Action::Cancel => None,
            _ => Some(Modal::Confirm(c)),
        };
        true
    }

    fn on_rate(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        let Some(Modal::Rate { insight, title }) = self.modal.take() else { return false };
        self.modal = match (action, stars(action)) {
            (_, Some(rating)) => {
                self.rate(insight, rating, fx);
                None
            }
            (Action::Cancel, _) => None,
            _ => Some(Modal::Rate { insight, title }),
        };
        true
    }

    fn on_outbox_view(&mut self, action: Action, fx: &mut Vec<Effect>) -> bool {
        let Some(Modal::Outbox { selected }) = self.modal.take() else { return false };
        let items = self.outbox_view_items();
        let last = items.len().saturating_sub(1);
        let current = items.get(selected.min(last)).map(|i| (i.id, i.status, i.action.describe()));
        self.modal = match action {
            Action::Back => None,
            Action::Up => Some(Modal::Outbox { selected: selected.saturating_sub(1) }),
            Action::Down => Some(Modal::Outbox { selected: (selected + 1).min(last) }),
            Action::Retry => {
                if let Some((id, ItemStatus::Failed, _)) = current {
                    fx.push(Effect::OutboxRetry(id));
                    self.message = Some("queued again".into());
                }
                Some(Modal::Outbox { selected })
            }
            Action::Drop => match current {
                Some((id, status, what)) if status != ItemStatus::Delivered => {
                    Some(Modal::Confirm(Confirm {
                        title: "Drop this action?".into(),
                        lines: vec![what, "It will never be sent.".into()],
                        on_yes: OnConfirm::DropItem(id),
                    }))
                }
                _ => Some(Modal::Outbox { selected }),
            },
            _ => Some(Modal::Outbox { selected }),
        };
        true
    }
}

/// The character a key types into a field, if it types one.
fn typed_char(key: &KeyEvent) -> Option<char> {
    let chord = KeyModifiers::CONTROL | KeyModifiers::ALT;
    match key.code {
        KeyCode::Char(c) if !c.is_control() && !key.modifiers.intersects(chord) => Some(c),
        _ => None,
    }
}
