//! Where a list's view starts, kept between frames so the view moves only
//! when the cursor would leave it. Drawing reads the state through `&App`,
//! so the offset sits in a [`Cell`] (as gitui's `VerticalScroll` does):
//! the only thing a frame writes, and only to itself.

use std::cell::Cell;

/// The first row a list showed in the last frame.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ScrollState {
    offset: Cell<usize>,
}

impl ScrollState {
    /// The first row to show with the cursor on row `cursor` of `len`,
    /// `height` rows on screen; remembered for the next frame.
    pub(crate) fn show(&self, cursor: usize, len: usize, height: usize) -> usize {
        let offset = scrolled(self.offset.get(), cursor, len, height);
        self.offset.set(offset);
        offset
    }
}

/// The first row to show: `offset` as long as the cursor stays in view,
/// else just far enough to bring it back to the nearest edge. Never past
/// the point where the last row is at the bottom, so a list that shrank
/// or a screen that grew does not leave rows unused.
pub(crate) fn scrolled(offset: usize, cursor: usize, len: usize, height: usize) -> usize {
    if len == 0 {
        return 0;
    }
    let height = height.max(1);
    let cursor = cursor.min(len - 1);
    let offset = offset.min(len.saturating_sub(height));
    if cursor < offset {
        cursor
    } else if cursor >= offset + height {
        cursor + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_moves_only_when_the_cursor_would_leave_it() {
        // 40 rows, 10 on screen, the view at the end (30..40).
        assert_eq!(scrolled(30, 33, 40, 10), 30, "cursor moved up inside the view");
        assert_eq!(scrolled(30, 29, 40, 10), 29, "cursor left at the top: one row up");
        assert_eq!(scrolled(0, 10, 40, 10), 1, "cursor left at the bottom: one row down");
        assert_eq!(scrolled(0, 39, 40, 10), 30, "a jump to the end shows the last screenful");
        assert_eq!(scrolled(5, 0, 40, 10), 0);
    }

    #[test]
    fn the_view_never_runs_past_the_end_or_the_list() {
        assert_eq!(scrolled(30, 35, 36, 10), 26, "the list shrank: no empty rows below");
        assert_eq!(scrolled(30, 35, 40, 20), 20, "the screen grew");
        assert_eq!(scrolled(7, 99, 3, 10), 0, "shorter than the screen");
        assert_eq!(scrolled(7, 0, 0, 10), 0, "empty");
        assert_eq!(scrolled(0, 5, 10, 0), 5, "no room: the cursor row");
    }

    #[test]
    fn the_offset_is_kept_between_frames() {
        let s = ScrollState::default();
        assert_eq!(s.show(39, 40, 10), 30);
        assert_eq!(s.show(33, 40, 10), 30, "the previous frame's offset holds");
    }
}
