//! What the adapters' unit tests share: the fixture files' sections, an
//! adapter subscribed to some symbols, and one frame decoded.

use super::{Adapter, VenueError, VenueEvent};

/// The sections every fixture file has, in this order.
pub(super) const SECTIONS: [&str; 8] =
    ["subscribed", "snapshot", "updates", "heartbeat", "gap", "backwards", "malformed", "unknown"];

/// The fixture file's sections: `# name` then one frame per line.
pub(super) fn sections(text: &str) -> Vec<(&str, Vec<&str>)> {
    let mut out: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        match (line.strip_prefix("# "), out.last_mut()) {
            (Some(name), _) => out.push((name.trim(), Vec::new())),
            (None, Some((_, lines))) => lines.push(line),
            (None, None) => panic!("a frame before the first section: {line}"),
        }
    }
    out
}

/// An adapter that has subscribed to `symbols`.
pub(super) fn subscribed<A: Adapter + Default>(symbols: &[&str]) -> A {
    let mut a = A::default();
    let symbols: Vec<String> = symbols.iter().map(|s| (*s).to_owned()).collect();
    a.subscribe(&symbols);
    a
}

/// What `frame` decodes to.
pub(super) fn decode(a: &mut dyn Adapter, frame: &str) -> Result<Vec<VenueEvent>, VenueError> {
    let mut out = Vec::new();
    a.decode(frame.as_bytes(), &mut out).map(|()| out)
}
