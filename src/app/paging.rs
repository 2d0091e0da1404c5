//! Server lists fetched a page at a time (Insights, Reports): one rule for
//! when the next page is asked for and how a page joins what is loaded.

use std::collections::HashSet;
use std::time::Instant;

use super::load::Load;
use crate::protocol::Id;

/// The next page is fetched when the cursor comes this close to the end
/// of what is loaded.
const NEAR_END: usize = 5;

/// Where a paged list stands with the server.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Paging {
    /// The server's count of the whole list.
    pub total: u64,
    /// Another page exists after what is loaded.
    pub has_more: bool,
    /// The last request for a page, the first or a later one.
    pub load: Load,
}

impl Paging {
    /// The offset of the next page, when the cursor is near the end of the
    /// `len` items loaded, another page exists and no request is in flight.
    /// The request is then counted as in flight.
    pub(crate) fn next_page(&mut self, cursor: usize, len: usize, now: Instant) -> Option<u32> {
        if !self.has_more || self.load.is_loading() || cursor + NEAR_END < len {
            return None;
        }
        self.load.start(now);
        Some(u32::try_from(len).unwrap_or(u32::MAX))
    }

    /// A page arrived.
    pub(crate) fn arrived(&mut self, total: u64, has_more: bool, now: Instant) {
        self.total = total;
        self.has_more = has_more;
        self.load.succeed(now);
    }
}

/// Join a page fetched at `offset` to `items`: offset 0 is a fresh list and
/// replaces them; a later page is appended, less the items already held
/// (the list may have shifted under the offsets since the last page).
pub(crate) fn merge_page<T>(
    items: &mut Vec<T>,
    offset: u32,
    mut page: Vec<T>,
    id: impl Fn(&T) -> &Id,
) {
    if offset == 0 {
        items.clear();
    }
    let held: HashSet<&Id> = items.iter().map(&id).collect();
    page.retain(|p| !held.contains(id(p)));
    items.extend(page);
}

/// Where the cursor goes after the list changed: onto the item it was on
/// if that is still there, else the same row, within the list.
pub(crate) fn reselect<T>(
    items: &[T],
    was_on: Option<&Id>,
    row: usize,
    id: impl Fn(&T) -> &Id,
) -> usize {
    was_on
        .and_then(|w| items.iter().position(|x| id(x) == w))
        .unwrap_or(row)
        .min(items.len().saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_is_asked_for_once_near_the_end() {
        let now = Instant::now();
        let mut p = Paging { total: 120, has_more: true, load: Load::Loaded { at: now } };
        assert_eq!(p.next_page(10, 50, now), None, "far from the end");
        assert_eq!(p.next_page(45, 50, now), Some(50));
        assert_eq!(p.next_page(46, 50, now), None, "one request at a time");
        p.arrived(120, false, now);
        assert_eq!(p.next_page(119, 120, now), None, "nothing more");
    }

    #[test]
    fn a_later_page_appends_without_repeating_items() {
        let ids = |v: &[Id]| v.iter().map(|i| i.as_str().to_owned()).collect::<Vec<_>>();
        let mut items: Vec<Id> = vec![1.into(), 2.into()];
        merge_page(&mut items, 2, vec![2.into(), 3.into()], |i| i);
        assert_eq!(ids(&items), ["1", "2", "3"]);
        merge_page(&mut items, 0, vec![9.into()], |i| i);
        assert_eq!(ids(&items), ["9"]);
    }
}
