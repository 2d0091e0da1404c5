//! The UI loop with flow control (issue 16), against the reference server
//! and a stand-in terminal that records frames and requests. The test
//! answers for the terminal by sending `Event::TerminalAnswer`, or never
//! does. Nothing here is timed: the checks count frames and requests.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use meridian::app::{App, Tab};
use meridian::config::{Config, FlowControl};
use meridian::event::Event;
use meridian::server::{ServeArgs, ServerHandle, start};
use meridian::theme::Theme;
use meridian::tui::{Core, Screen, TestScreen};
use tokio::sync::mpsc;

/// A liveness bound for each wait, not a speed assertion.
const LIVENESS: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, PartialEq)]
enum Op {
    Probe,
    Frame {
        tab: Tab,
        message: Option<String>,
        /// Answers the test had sent, and requests still unanswered, when
        /// the frame was written.
        answered: u64,
        unanswered: u64,
    },
}

#[derive(Default)]
struct Log {
    ops: Vec<Op>,
    probes: u64,
    /// The text of the newest frame.
    text: String,
}

impl Log {
    fn frames(&self) -> usize {
        self.ops.iter().filter(|op| matches!(op, Op::Frame { .. })).count()
    }
}

/// Draws into a `TestBackend` and records what the loop writes.
struct StandIn {
    inner: TestScreen,
    log: Arc<Mutex<Log>>,
    answers: Arc<AtomicU64>,
}

impl Screen for StandIn {
    fn draw(&mut self, app: &App, theme: &Theme) -> std::io::Result<()> {
        self.inner.draw(app, theme)?;
        let answered = self.answers.load(Ordering::SeqCst);
        let mut log = self.log.lock().unwrap();
        let unanswered = log.probes.saturating_sub(answered);
        let (tab, message) = (app.tab, app.message.clone());
        log.ops.push(Op::Frame { tab, message, answered, unanswered });
        log.text = self.inner.terminal.backend().to_string();
        Ok(())
    }
    fn clear(&mut self) -> std::io::Result<()> {
        self.inner.clear()
    }
    fn bell(&mut self) -> std::io::Result<()> {
        Ok(())
    }
    fn probe(&mut self) -> std::io::Result<bool> {
        let mut log = self.log.lock().unwrap();
        log.probes += 1;
        log.ops.push(Op::Probe);
        Ok(true)
    }
}

struct Rig {
    server: ServerHandle,
    _dir: tempfile::TempDir,
    core: Core,
    screen: StandIn,
    log: Arc<Mutex<Log>>,
    answers: Arc<AtomicU64>,
}

/// The console on Markets with prices ticking, so the state keeps changing.
async fn rig(flow_control: FlowControl) -> Rig {
    meridian::tls::install_crypto();
    let server = start(ServeArgs::for_tests()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.server.url = server.base_url();
    config.ui.flow_control = flow_control;
    let mut console = common::console(&config, vec!["AAPL".into(), "MSFT".into()], dir.path());
    console.app.tab = Tab::Markets;
    let core = Core::start(console).unwrap();
    let log = Arc::new(Mutex::new(Log::default()));
    let answers = Arc::new(AtomicU64::new(0));
    let screen = StandIn {
        inner: TestScreen::new(100, 30).unwrap(),
        log: log.clone(),
        answers: answers.clone(),
    };
    Rig { server, _dir: dir, core, screen, log, answers }
}

/// Until `pred` holds of the log.
async fn wait(log: &Mutex<Log>, what: &str, pred: impl Fn(&Log) -> bool) {
    let until = async {
        while !pred(&log.lock().unwrap()) {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    };
    tokio::time::timeout(LIVENESS, until).await.unwrap_or_else(|_| panic!("never: {what}"));
}

/// Until the loop has taken everything sent so far off the channel.
async fn drained(tx: &mpsc::Sender<Event>) {
    let until = async {
        while tx.capacity() < tx.max_capacity() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    };
    tokio::time::timeout(LIVENESS, until).await.expect("the loop takes its events");
}

async fn answer(tx: &mpsc::Sender<Event>, answers: &AtomicU64) {
    answers.fetch_add(1, Ordering::SeqCst);
    tx.send(Event::TerminalAnswer).await.unwrap();
}

fn key(c: char) -> Event {
    Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_an_answer_is_outstanding_the_state_moves_on_and_one_frame_of_the_newest_follows() {
    let Rig { server, _dir, core, mut screen, log, answers } = rig(FlowControl::Auto).await;
    let tx = core.sender();
    let test = async {
        wait(&log, "the first request", |l| l.probes == 1).await;
        assert_eq!(log.lock().unwrap().ops[0], Op::Probe, "asked before the first frame");
        answer(&tx, &answers).await;
        wait(&log, "a frame and the request after it", |l| l.probes == 2).await;
        let held = log.lock().unwrap().frames();
        // The answer is outstanding: the state changes again and again,
        // each change more than a frame interval (33 ms) after the last, and
        // nothing is drawn.
        let changes = (0..5).map(|i| Event::Notice(format!("change {i}")));
        let keys =
            [key('2'), Event::Notice("older".into()), key('3'), Event::Notice("newest".into())];
        for ev in changes.chain(keys) {
            tx.send(ev).await.unwrap();
            drained(&tx).await;
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
        assert_eq!(log.lock().unwrap().frames(), held, "no frame while the answer is outstanding");
        answer(&tx, &answers).await;
        wait(&log, "the frame after the answer, and its request", |l| l.probes == 3).await;
        drained(&tx).await;
        let ops = log.lock().unwrap().ops.clone();
        let frames: Vec<_> = ops.iter().filter(|op| matches!(op, Op::Frame { .. })).collect();
        assert_eq!(frames.len(), held + 1, "exactly one frame after the answer: {ops:?}");
        let Op::Frame { tab, message, .. } = frames[held] else { unreachable!() };
        assert_eq!((*tab, message.as_deref()), (Tab::Metrics, Some("newest")), "the newest state");
        for op in &ops {
            if let Op::Frame { answered: 1.., unanswered, .. } = op {
                assert_eq!(*unanswered, 0, "a frame went out with one in flight: {ops:?}");
            }
        }
        tx.send(Event::Terminate(143)).await.unwrap();
        // Quitting waits for the last answer, which comes.
        answer(&tx, &answers).await;
    };
    let (status, ()) = tokio::join!(core.run(&mut screen), test);
    assert_eq!(status.unwrap(), 143);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_that_never_answers_gets_timed_frames_and_diagnostics_say_why() {
    let Rig { server, _dir, core, mut screen, log, .. } = rig(FlowControl::Auto).await;
    let tx = core.sender();
    let test = async {
        tx.send(key('D')).await.unwrap();
        wait(&log, "a frame while waiting for a first answer", |l| l.frames() >= 1).await;
        let said = "flow control off: the terminal did not answer in 3 s; timed frames";
        wait(&log, "diagnostics saying why", |l| l.text.contains(said)).await;
        let given_up = log.lock().unwrap().frames();
        wait(&log, "frames on the clock", |l| l.frames() >= given_up + 20).await;
        assert_eq!(log.lock().unwrap().probes, 1, "asked once, then never again");
        tx.send(Event::Terminate(143)).await.unwrap();
    };
    let (status, ()) = tokio::join!(core.run(&mut screen), test);
    assert_eq!(status.unwrap(), 143);
    server.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_flow_control_off_frames_never_wait_and_nothing_is_asked() {
    let Rig { server, _dir, core, mut screen, log, .. } = rig(FlowControl::Off).await;
    let tx = core.sender();
    let test = async {
        tx.send(key('D')).await.unwrap();
        wait(&log, "the setting in diagnostics", |l| l.text.contains("flow control off (config)"))
            .await;
        let seen = log.lock().unwrap().frames();
        wait(&log, "frames on the clock", |l| l.frames() >= seen + 20).await;
        assert_eq!(log.lock().unwrap().probes, 0, "nothing asked");
        tx.send(Event::Terminate(143)).await.unwrap();
    };
    let (status, ()) = tokio::join!(core.run(&mut screen), test);
    assert_eq!(status.unwrap(), 143);
    server.shutdown().await.unwrap();
}
