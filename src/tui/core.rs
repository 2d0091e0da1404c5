//! The UI loop, independent of where frames go: drain every waiting event,
//! apply it to the state, and draw once, at most `fps` times a second, only
//! when something changed and (flow control, [`super::flow`]) only once the
//! terminal has answered for the frame before. Effects the state returns
//! are carried out here. The terminal console and the benchmarks run this
//! same loop.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use tokio::sync::mpsc;

use super::driver::Driver;
use super::flow::{Flow, Meter};
use super::screen::Screen;
use super::sources;
use crate::api::ApiClient;
use crate::app::App;
use crate::config::FlowControl;
use crate::event::{Effect, Event, FeedKind, OutputStats, Task, TaskFailed};
use crate::feeds::{self, FeedOptions};
use crate::outbox::{Outbox, SenderConfig};
use crate::theme::Theme;

/// Events waiting for the UI at most; producers wait (or coalesce) beyond.
const CHANNEL: usize = 1024;

/// How often the loop reports its output figures to the state.
const REPORT: Duration = Duration::from_secs(1);

/// How long quitting waits for the terminal's answer to the last frame.
const EXIT_WAIT: Duration = Duration::from_secs(1);

static PROCESS_START: OnceLock<Instant> = OnceLock::new();

/// Remember when the program started, for the first-frame log line.
pub fn mark_process_start() {
    let _ = PROCESS_START.set(Instant::now());
}

/// Everything the console needs to run.
pub struct Console {
    pub app: App,
    pub theme: Theme,
    pub fps: u32,
    /// Whether frames wait for the terminal's answers (`ui.flow_control`).
    pub flow_control: FlowControl,
    pub api: ApiClient,
    pub prices: FeedOptions,
    pub backfill: FeedOptions,
    pub health: FeedOptions,
    pub data_dir: std::path::PathBuf,
    pub outbox: Outbox,
    pub sender: SenderConfig,
    /// Prometheus and Alertmanager, when configured.
    pub sources: crate::sources::Clients,
    /// The venue whose public feed gives the prices, when one does.
    pub venue: Option<crate::venues::VenueClient>,
}

/// The console's state and its event sources, started and ready to draw.
pub struct Core {
    app: App,
    theme: Theme,
    fps: u32,
    flow_control: FlowControl,
    tx: mpsc::Sender<Event>,
    rx: mpsc::Receiver<Event>,
    driver: Driver,
    /// Whether notifications need tmux's passthrough, known at the start.
    tmux: bool,
}

impl Core {
    /// Start the feeds, the clock and the outbox sender (which resends what
    /// an earlier run left). Nothing here touches the terminal.
    pub fn start(console: Console) -> anyhow::Result<Core> {
        let Console {
            app,
            theme,
            fps,
            flow_control,
            api,
            prices,
            backfill,
            health,
            data_dir,
            outbox,
            sender,
            sources: clients,
            venue,
        } = console;
        let (tx, rx) = mpsc::channel::<Event>(CHANNEL);
        let backend = app.settings.backend;
        // Without a backend its feeds are not dialled (the tabs that need
        // one say so); a venue's prices are.
        let price_cmds = if backend || venue.is_some() {
            feeds::spawn_prices(prices, app.markets.symbols.clone(), tx.clone())
        } else {
            mpsc::channel(1).0
        };
        if backend {
            feeds::spawn_feed(FeedKind::Backfill, backfill, tx.clone());
            feeds::spawn_feed(FeedKind::Health, health, tx.clone());
        }
        sources::spawn_clock(tx.clone());
        let wakers = spawn_sources(clients, &tx);
        let sender = crate::outbox::spawn_sender(outbox.clone(), sender, tx.clone())
            .context("cannot start the outbox sender")?;
        let driver = Driver {
            api,
            backend,
            tx: tx.clone(),
            price_cmds,
            data_dir,
            outbox,
            sender,
            wakers,
            venue,
        };
        let tmux = crate::notify::inside_tmux();
        Ok(Core { app, theme, fps, flow_control, tx, rx, driver, tmux })
    }

    /// A sender for events from outside (keys, signals, a benchmark's stop).
    pub fn sender(&self) -> mpsc::Sender<Event> {
        self.tx.clone()
    }

    /// Run until the state asks to quit; returns the exit status (the code
    /// of the [`Event::Terminate`] that ended it, 0 after `q`), or an error
    /// saying why terminal input was lost.
    pub async fn run(self, screen: &mut impl Screen) -> anyhow::Result<u8> {
        let Core { mut app, theme, fps, flow_control, tx, mut rx, driver, tmux } = self;
        drop(tx);
        driver.outbox_changed();
        for fx in app.start() {
            driver.execute(fx);
        }
        let mut pacer = Pacer::new(fps, flow_control, Instant::now());
        pacer.ask_first(screen)?;
        let mut dirty = true;
        let mut effects = Vec::new();
        let mut exit = Exit::default();
        loop {
            let now = Instant::now();
            if let Some(stats) = pacer.report_due(now, screen) {
                dirty |= app.update(Event::Output(stats), &mut effects);
            }
            if dirty && pacer.frame(screen, &mut app, &theme, now)? {
                dirty = false;
            }
            let deadline = tokio::time::Instant::from_std(pacer.wake_at(dirty));
            let first = tokio::select! {
                ev = rx.recv() => ev,
                _ = tokio::time::sleep_until(deadline) => continue,
            };
            // The driver holds a sender for as long as this loop runs, so
            // the channel cannot close under it.
            let Some(first) = first else {
                unreachable!("the event channel closed while the driver holds a sender")
            };
            app.now = Instant::now();
            // Drain what else is waiting before drawing once.
            let mut next = Some(first);
            while let Some(ev) = next {
                exit.note(&ev);
                if matches!(ev, Event::TerminalAnswer) {
                    pacer.flow.on_answer(Instant::now());
                }
                dirty |= app.update(ev, &mut effects);
                next = rx.try_recv().ok();
            }
            if carry_out(&mut effects, screen, &driver, tmux, &mut dirty)? {
                break;
            }
        }
        pacer.await_answer(&mut rx).await;
        // Stop the sender mid-request rather than leave it running beside
        // whatever sends next (an interrupted item keeps its key).
        driver.sender.shutdown().await;
        exit.result()
    }
}

/// Start reading Prometheus and Alertmanager; their wakers.
fn spawn_sources(
    clients: crate::sources::Clients,
    tx: &mpsc::Sender<Event>,
) -> Vec<crate::sources::Waker> {
    let mut wakers = Vec::new();
    if let Some((client, queries, every, points)) = clients.prometheus {
        wakers.push(crate::sources::spawn_prometheus(client, queries, every, points, tx.clone()));
    }
    if let Some((client, every)) = clients.alertmanager {
        wakers.push(crate::sources::spawn_alertmanager(client, every, tx.clone()));
    }
    wakers
}

/// Carry out the effects the state returned; returns whether to quit.
fn carry_out(
    effects: &mut Vec<Effect>,
    screen: &mut impl Screen,
    driver: &Driver,
    tmux: bool,
    dirty: &mut bool,
) -> anyhow::Result<bool> {
    let mut quit = false;
    for fx in effects.drain(..) {
        match fx {
            Effect::Quit => quit = true,
            fx => {
                if let Some(other) = on_screen(fx, screen, tmux, dirty)? {
                    driver.execute(other);
                }
            }
        }
    }
    Ok(quit)
}

/// Carry out `fx` if it is the screen's (between frames: the loop only
/// calls this after a frame went out whole); gives back any other effect.
fn on_screen(
    fx: Effect,
    screen: &mut impl Screen,
    tmux: bool,
    dirty: &mut bool,
) -> anyhow::Result<Option<Effect>> {
    match fx {
        Effect::FullRedraw => {
            screen.clear().context("cannot clear the screen")?;
            *dirty = true;
        }
        Effect::Bell => {
            let _ = screen.bell();
        }
        Effect::Notify(n) => {
            if let Err(e) = screen.notify(&crate::notify::encode(&n, tmux, false)) {
                tracing::warn!(error = %e, "cannot write a desktop notification");
            }
        }
        Effect::Copy(text) => {
            if let Err(e) = screen.notify(&crate::clipboard::encode(&text, tmux)) {
                tracing::warn!(error = %e, "cannot write to the clipboard");
            }
        }
        other => return Ok(Some(other)),
    }
    Ok(None)
}

/// When frames go out: the frame rate's grid and flow control, with the
/// figures for the once-a-second report.
struct Pacer {
    interval: Duration,
    next_frame: Instant,
    next_report: Instant,
    flow: Flow,
    meter: Meter,
    first_frame: bool,
}

impl Pacer {
    fn new(fps: u32, flow_control: FlowControl, now: Instant) -> Pacer {
        let interval = Duration::from_secs_f64(1.0 / f64::from(fps.clamp(1, 240)));
        Pacer {
            interval,
            next_frame: now,
            next_report: now + REPORT,
            flow: Flow::new(flow_control),
            meter: Meter::new(now, interval),
            first_frame: true,
        }
    }

    /// Ask the terminal once before anything is drawn: the answer comes
    /// after one trip over the link, however slow the link is to carry a
    /// whole first frame, so a terminal that answers is told from one that
    /// does not in time.
    fn ask_first(&mut self, screen: &mut impl Screen) -> anyhow::Result<()> {
        self.ask(screen)?;
        screen.flush().context("cannot ask the terminal")
    }

    /// Write the request for the terminal's answer, when flow control wants
    /// one, and note it.
    fn ask(&mut self, screen: &mut impl Screen) -> anyhow::Result<()> {
        if self.flow.wants_probe() {
            let asked = screen.probe().context("cannot ask the terminal")?;
            self.flow.on_probe(Instant::now(), asked);
        }
        Ok(())
    }

    /// Draw the state if a frame is due and the terminal has caught up,
    /// with a request for its answer after the frame, in one write. Returns
    /// whether it drew.
    fn frame(
        &mut self,
        screen: &mut impl Screen,
        app: &mut App,
        theme: &Theme,
        now: Instant,
    ) -> anyhow::Result<bool> {
        if now < self.next_frame {
            return Ok(false);
        }
        if !self.flow.may_draw(now) {
            self.meter.held(now);
            return Ok(false);
        }
        app.now = now;
        app.wall = crate::protocol::Timestamp::now();
        screen.draw(app, theme).context("cannot draw")?;
        self.flow.on_frame(now);
        self.ask(screen)?;
        screen.flush().context("cannot draw")?;
        self.meter.drawn(now);
        if self.first_frame {
            self.first_frame = false;
            log_first_frame();
        }
        self.next_frame = next_frame_after(self.next_frame, now, self.interval);
        Ok(true)
    }

    /// The figures for the state, once a second.
    fn report_due(&mut self, now: Instant, screen: &impl Screen) -> Option<OutputStats> {
        if now < self.next_report {
            return None;
        }
        self.next_report = now + REPORT;
        Some(self.meter.report(now, screen.bytes_written(), &self.flow))
    }

    /// When the loop must wake with no event: the next report, and for a
    /// changed state the next frame slot, or while flow control holds the
    /// frame back, its next timeout.
    fn wake_at(&self, dirty: bool) -> Instant {
        if !dirty {
            return self.next_report;
        }
        let frame = self.flow.wake_at().map_or(self.next_frame, |t| t.max(self.next_frame));
        frame.min(self.next_report)
    }

    /// On the way out, wait a little for the answer to the last request:
    /// one that arrives after the terminal left raw mode would be typed
    /// into the shell.
    async fn await_answer(&self, rx: &mut mpsc::Receiver<Event>) {
        if !self.flow.awaiting_answer() {
            return;
        }
        let answered = async {
            while let Some(ev) = rx.recv().await {
                if matches!(ev, Event::TerminalAnswer) {
                    return;
                }
            }
        };
        let _ = tokio::time::timeout(EXIT_WAIT, answered).await;
    }
}

/// How the loop ended, as far as the events tell.
#[derive(Debug, Default)]
struct Exit {
    /// From the last [`Event::Terminate`]; 0 when the user quit.
    status: u8,
    /// The input task panicked: keys are gone, so the console ended.
    lost_input: Option<TaskFailed>,
}

impl Exit {
    fn note(&mut self, ev: &Event) {
        match ev {
            Event::Terminate(code) => self.status = *code,
            Event::TaskFailed(f) if f.task == Task::Input => self.lost_input = Some(f.clone()),
            _ => {}
        }
    }

    fn result(self) -> anyhow::Result<u8> {
        match self.lost_input {
            Some(failed) => Err(failed.into()),
            None => Ok(self.status),
        }
    }
}

/// When the frame after one due at `due` and started at `now` may start.
///
/// Frames start at most `fps` times a second and keep to a grid `interval`
/// apart: the timer wakes the loop up to a millisecond late, and counting
/// from `now` would add that to every frame's wait. The time a frame takes
/// to draw is not added either. After a pause (nothing changed for longer
/// than an interval) the grid starts again from `now`.
fn next_frame_after(due: Instant, now: Instant, interval: Duration) -> Instant {
    if now.saturating_duration_since(due) < interval { due + interval } else { now + interval }
}

/// When the first frame was out: milliseconds since `main` began, and the
/// wall clock (microseconds since the epoch) for measurements from outside.
fn log_first_frame() {
    let since_start = PROCESS_START.get().map(|t| t.elapsed().as_secs_f64() * 1e3);
    let unix_us = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_micros());
    tracing::info!(since_start_ms = since_start, unix_us = unix_us as u64, "first frame drawn");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exit_status_follows_terminate_and_lost_input_is_an_error() {
        let mut exit = Exit::default();
        exit.note(&Event::Tick);
        exit.note(&Event::Terminate(143));
        assert_eq!(exit.result().expect("a status"), 143);

        let mut exit = Exit::default();
        let clock = TaskFailed { task: Task::Clock, message: "overflow".into() };
        exit.note(&Event::TaskFailed(clock));
        assert_eq!(exit.result().expect("the clock is not vital"), 0);

        let mut exit = Exit::default();
        let input = TaskFailed { task: Task::Input, message: "bad escape".into() };
        exit.note(&Event::TaskFailed(input));
        let e = exit.result().expect_err("no keys, no console");
        assert_eq!(e.to_string(), "terminal input stopped unexpectedly: bad escape");
    }

    #[test]
    fn a_notification_goes_out_between_frames_and_is_counted() {
        use std::io::Write;
        #[derive(Clone, Default)]
        struct Shared(std::rc::Rc<std::cell::RefCell<Vec<u8>>>);
        impl Write for Shared {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                self.0.borrow_mut().extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let out = Shared::default();
        let mut screen = super::super::screen::TermScreen::fixed(out.clone(), 80, 24).expect("tty");
        let keys = crate::keymap::Keymap::default_map();
        let app =
            App::new(crate::app::Settings::default(), keys, vec!["AAPL".into()], Instant::now());
        let theme = Theme::by_name("default").expect("theme");
        let frame = |screen: &mut super::super::screen::TermScreen<Shared>| {
            screen.draw(&app, &theme).expect("frame");
            screen.flush().expect("flush");
        };
        frame(&mut screen);
        let n = crate::notify::Notification::new("cpu high", "\x1b]0;pwned\x07 97%");
        let mut dirty = false;
        let left = on_screen(Effect::Notify(n.clone()), &mut screen, true, &mut dirty);
        assert!(left.expect("written").is_none() && !dirty);
        frame(&mut screen);
        let bytes = out.0.borrow().clone();
        let ours = crate::notify::encode(&n, true, false);
        let at = bytes.windows(ours.len()).position(|w| w == ours).expect("sent whole");
        assert!(bytes[..at].ends_with(b"\x1b[?2026l"), "after the first frame's end");
        assert!(bytes[at + ours.len()..].starts_with(b"\x1b[?2026h"), "before the next begins");
        assert_eq!(screen.bytes_written(), bytes.len() as u64, "counted");
        // Not the screen's: given back for the driver.
        let other = on_screen(Effect::FetchKpis, &mut screen, true, &mut dirty).expect("ok");
        assert_eq!(other, Some(Effect::FetchKpis));
    }

    #[test]
    fn frames_keep_to_their_grid_and_restart_after_a_pause() {
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let interval = ms(33);
        // Woken a millisecond late: the next frame is still due on the grid.
        assert_eq!(next_frame_after(t0, t0 + ms(1), interval), t0 + ms(33));
        // On time.
        assert_eq!(next_frame_after(t0, t0, interval), t0 + ms(33));
        // After a pause, a full interval from this frame, never sooner.
        assert_eq!(next_frame_after(t0, t0 + ms(500), interval), t0 + ms(533));
        assert_eq!(next_frame_after(t0, t0 + ms(33), interval), t0 + ms(66));
    }
}
