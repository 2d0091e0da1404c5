use super::*;
use crate::protocol::Id;

fn open() -> (tempfile::TempDir, Outbox) {
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open(&dir.path().join("data/outbox.db")).unwrap();
    (dir, outbox)
}

fn rate(n: i64) -> Action {
    Action::Rate { insight: Id::from(n), rating: 4 }
}

fn statuses(o: &Outbox) -> Vec<(i64, ItemStatus)> {
    o.items().unwrap().iter().map(|i| (i.id, i.status)).collect()
}

#[test]
fn enqueue_is_pending_due_now_with_a_fresh_key() {
    let (_d, o) = open();
    let a = o.enqueue(rate(1)).unwrap();
    let b = o.enqueue(rate(2)).unwrap();
    assert_eq!(a.status, ItemStatus::Pending);
    assert_eq!(a.next_attempt_at, Some(a.created_at));
    assert_ne!(a.key, b.key);
    assert_eq!(uuid::Uuid::parse_str(&a.key).unwrap().get_version_num(), 4);
    assert_eq!(o.items().unwrap(), vec![a.clone(), b]);
    assert_eq!(o.head().unwrap(), Some(a));
    assert_eq!(o.pending_count().unwrap(), 2);
}

#[test]
fn settle_moves_items_through_their_states() {
    let (_d, o) = open();
    let a = o.enqueue(rate(1)).unwrap();
    let b = o.enqueue(rate(2)).unwrap();
    let at = Timestamp(a.created_at.0 + 5_000);
    let retry = Settle::Retry { error: "HTTP 503".into(), at };
    let a2 = o.settle(a.id, &retry).unwrap().unwrap();
    assert_eq!((a2.status, a2.attempts, a2.next_attempt_at), (ItemStatus::Pending, 1, Some(at)));
    assert_eq!(a2.last_error.as_deref(), Some("HTTP 503"));
    assert_eq!(a2.key, a.key, "the key never changes");
    // Oldest first, even when not yet due.
    assert_eq!(o.head().unwrap().map(|i| i.id), Some(a.id));

    let a3 = o.settle(a.id, &Settle::Delivered).unwrap().unwrap();
    assert_eq!(
        (a3.status, a3.attempts, a3.last_error, a3.next_attempt_at),
        (ItemStatus::Delivered, 2, None, None)
    );
    let failed = Settle::Failed { message: "rating must be between 1 and 5".into() };
    let b2 = o.settle(b.id, &failed).unwrap().unwrap();
    assert_eq!(b2.status, ItemStatus::Failed);
    assert_eq!(b2.last_error.as_deref(), Some("rating must be between 1 and 5"));
    assert_eq!(o.head().unwrap(), None);
    assert_eq!(o.pending_count().unwrap(), 1);
    // A settled item is not settled again.
    assert_eq!(o.settle(a.id, &failed).unwrap().unwrap().status, ItemStatus::Delivered);
}

#[test]
fn retry_and_drop_follow_the_users_choice() {
    let (_d, o) = open();
    let a = o.enqueue(rate(1)).unwrap();
    let b = o.enqueue(rate(2)).unwrap();
    o.settle(a.id, &Settle::Failed { message: "no".into() }).unwrap();
    o.settle(b.id, &Settle::Delivered).unwrap();
    o.retry(a.id).unwrap();
    let a2 = o.head().unwrap().unwrap();
    assert_eq!((a2.id, a2.status, a2.attempts), (a.id, ItemStatus::Pending, 1));
    assert!(a2.next_attempt_at.is_some());
    o.retry(a.id).unwrap(); // already pending: no change
    assert!(matches!(o.retry(b.id), Err(OutboxError::AlreadyDelivered(_))));
    assert!(matches!(o.retry(99), Err(OutboxError::NotFound(99))));
    o.drop_item(a.id).unwrap();
    assert!(matches!(o.drop_item(a.id), Err(OutboxError::NotFound(_))));
    assert_eq!(statuses(&o), vec![(b.id, ItemStatus::Delivered)]);
    assert_eq!(o.pending_count().unwrap(), 0);
    // Dropped while in flight: the attempt finds nothing to record.
    assert_eq!(o.settle(a.id, &Settle::Delivered).unwrap(), None);
}

#[test]
fn items_show_open_ones_and_the_last_twenty_delivered() {
    let (_d, o) = open();
    let ids: Vec<i64> = (0..30).map(|n| o.enqueue(rate(n)).unwrap().id).collect();
    for id in &ids[..25] {
        o.settle(*id, &Settle::Delivered).unwrap();
    }
    o.settle(ids[0], &Settle::Failed { message: "x".into() }).unwrap(); // no-op: delivered
    let items = o.items().unwrap();
    let shown: Vec<i64> = items.iter().map(|i| i.id).collect();
    assert_eq!(shown, ids[5..].to_vec(), "20 delivered, then 5 pending, oldest first");
    assert_eq!(o.pending_count().unwrap(), 5);
}

#[test]
fn survives_reopening_and_reports_bad_paths() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let a = Outbox::open(&path).unwrap().enqueue(rate(7)).unwrap();
    let o = Outbox::open(&path).unwrap();
    assert_eq!(o.items().unwrap(), vec![a]);
    let mode: String = o.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    let sync: i64 = o.conn().query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
    assert_eq!((mode.as_str(), sync), ("wal", 2));

    std::fs::write(dir.path().join("file"), b"x").unwrap();
    let bad = dir.path().join("file/outbox.db");
    let e = Outbox::open(&bad).unwrap_err();
    assert!(e.to_string().contains(&bad.display().to_string()), "{e}");
}

#[test]
fn an_unreadable_row_is_failed_not_blocking() {
    let (_d, o) = open();
    let a = o.enqueue(rate(1)).unwrap();
    let b = o.enqueue(rate(2)).unwrap();
    o.conn()
        .execute("UPDATE outbox SET action = '{\"kind\":\"nope\"}' WHERE id = ?1", [a.id])
        .unwrap();
    assert_eq!(o.head().unwrap().map(|i| i.id), Some(b.id));
    assert_eq!(statuses(&o), vec![(b.id, ItemStatus::Pending)]);
    assert_eq!(o.pending_count().unwrap(), 2, "still there, for the user to drop");
    o.drop_item(a.id).unwrap();
}

#[test]
fn a_held_item_waits_and_can_be_taken_back_until_it_is_due() {
    let (_d, o) = open();
    let held = o.enqueue_held("k-held", rate(1), Duration::from_secs(60)).unwrap();
    let now = o.enqueue(rate(2)).unwrap();
    let t = Timestamp::now();
    assert!(held.held_until(t).is_some());
    assert_eq!(now.held_until(t), None);
    // Taken back: gone for good; the unheld one is not taken back.
    assert_eq!(o.undo(&["k-held".into(), now.key.clone()]).unwrap(), vec!["k-held".to_owned()]);
    assert_eq!(statuses(&o), vec![(now.id, ItemStatus::Pending)]);
    assert_eq!(o.undo(&["k-held".into()]).unwrap(), Vec::<String>::new());
}

#[test]
fn an_item_past_its_hold_is_no_longer_taken_back() {
    let (_d, o) = open();
    let item = o.enqueue_held("k", rate(1), Duration::from_millis(1)).unwrap();
    std::thread::sleep(Duration::from_millis(5));
    assert_eq!(item.held_until(Timestamp::now()), None);
    assert!(o.undo(&["k".into()]).unwrap().is_empty());
    assert_eq!(o.head().unwrap().map(|i| i.id), Some(item.id));
}

#[test]
fn releasing_holds_makes_them_due_and_says_which() {
    let (_d, o) = open();
    let a = o.enqueue_held("a", rate(1), Duration::from_secs(60)).unwrap();
    let b = o.enqueue(rate(2)).unwrap();
    let released = o.release_held().unwrap();
    assert_eq!(released.iter().map(|i| i.id).collect::<Vec<_>>(), vec![a.id]);
    let t = Timestamp::now();
    assert!(o.items().unwrap().iter().all(|i| i.held_until(t).is_none()));
    assert!(o.undo(&["a".into()]).unwrap().is_empty(), "released: on its way, not undoable");
    assert_eq!(o.pending_count().unwrap(), 2);
    let _ = b;
}

#[test]
fn a_held_item_survives_a_reopen_and_is_then_due() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("outbox.db");
    let key = {
        let o = Outbox::open(&path).unwrap();
        o.enqueue_held("kept", rate(1), Duration::from_secs(60)).unwrap().key
    };
    let o = Outbox::open(&path).unwrap();
    o.all_due_now().unwrap();
    let head = o.head().unwrap().unwrap();
    assert_eq!(head.key, key);
    assert_eq!(head.held_until(Timestamp::now()), None);
}
