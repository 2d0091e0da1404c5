//! A slow link, as an SSH session over a thin line behaves: the program
//! runs on a pty; everything it writes is read at once into a buffer of up
//! to 2 MiB (OpenSSH's channel window), and the buffer is passed on to the
//! far end at a fixed rate in small timed chunks. Bytes from the far end
//! (keys, the terminal's answers) go into the pty at once.
//!
//! When the buffer is full the reader stops reading, the pty fills, and the
//! program's writes block: back pressure, as with a full SSH window.
//!
//! Used by the `meridian-slowlink` binary (far end: its own stdout) and by
//! the slow-link benchmark (far end: an in-process vt100 terminal).

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::process::{Child, ExitStatus};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// OpenSSH's default channel window.
pub const SSH_WINDOW: usize = 2 << 20;

/// The link passes bytes every this often.
const TICK: Duration = Duration::from_millis(10);

/// What the link carries and holds.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    /// Bytes per second to the far end; None passes bytes as read.
    pub rate: Option<u64>,
    /// Bytes read from the program and not yet passed, at most.
    pub buffer: usize,
    /// Remember when each read happened (see [`Relay::read_at`]). Costs
    /// memory for as long as the relay runs, so off for long sessions.
    pub marks: bool,
}

/// Byte counts of the link, readable at any time.
#[derive(Default, Debug)]
pub struct Counters {
    /// Read from the program's output.
    pub read: AtomicU64,
    /// Passed on to the far end.
    pub passed: AtomicU64,
}

impl Counters {
    pub fn read(&self) -> u64 {
        self.read.load(Ordering::Acquire)
    }
    pub fn passed(&self) -> u64 {
        self.passed.load(Ordering::Acquire)
    }
    /// Read and not yet passed: what sits in the relay's buffer.
    pub fn buffered(&self) -> u64 {
        let passed = self.passed();
        self.read().saturating_sub(passed)
    }
}

/// The buffer between the program and the far end.
#[derive(Default)]
struct Queue {
    bytes: VecDeque<u8>,
    /// The program's side has closed (it exited).
    closed: bool,
    /// (bytes read in total after a read, Unix milliseconds of that read).
    marks: Vec<(u64, f64)>,
}

struct Shared {
    queue: Mutex<Queue>,
    /// Signalled when bytes leave the queue.
    space: Condvar,
    /// Signalled when bytes enter the queue, or it closes.
    data: Condvar,
    counters: Arc<Counters>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

pub fn unix_ms() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

/// Writes into the program's pty: the far end's keys and answers.
#[derive(Clone)]
pub struct Input(Arc<pty_process::blocking::Pty>);

impl Write for Input {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        (&*self.0).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        (&*self.0).flush()
    }
}

/// A program running behind a slow link.
pub struct Relay {
    child: Child,
    input: Input,
    shared: Arc<Shared>,
    reader: Option<JoinHandle<()>>,
    pacer: Option<JoinHandle<io::Result<()>>>,
}

impl Relay {
    /// Start `cmd` on a `cols`x`rows` pty. `far_end` makes the far end from
    /// the pty's input (for a far end that answers queries); the far end
    /// gets what crosses the link, in order, on the relay's own thread.
    pub fn spawn<F>(
        cmd: pty_process::blocking::Command,
        (cols, rows): (u16, u16),
        link: Link,
        far_end: impl FnOnce(Input) -> F,
    ) -> io::Result<Relay>
    where
        F: FnMut(&[u8]) -> io::Result<()> + Send + 'static,
    {
        let (pty, pts) = pty_process::blocking::open().map_err(io::Error::other)?;
        pty.resize(pty_process::Size::new(rows, cols)).map_err(io::Error::other)?;
        let child = cmd.spawn(pts).map_err(io::Error::other)?;
        let pty = Arc::new(pty);
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue::default()),
            space: Condvar::new(),
            data: Condvar::new(),
            counters: Arc::default(),
        });
        let reader = {
            let (shared, pty) = (shared.clone(), pty.clone());
            std::thread::Builder::new()
                .name("slowlink-read".into())
                .spawn(move || read_program(&shared, &pty, link))?
        };
        let pacer = {
            let shared = shared.clone();
            let far = far_end(Input(pty.clone()));
            std::thread::Builder::new()
                .name("slowlink-pass".into())
                .spawn(move || pass_on(&shared, link.rate, far))?
        };
        Ok(Relay { child, input: Input(pty), shared, reader: Some(reader), pacer: Some(pacer) })
    }

    pub fn input(&self) -> Input {
        self.input.clone()
    }

    pub fn counters(&self) -> Arc<Counters> {
        self.shared.counters.clone()
    }

    /// Unix milliseconds at which the relay read the byte at `offset` of
    /// the program's output (0-based), if reads are marked and it has.
    pub fn read_at(&self, offset: u64) -> Option<f64> {
        let q = self.shared.lock();
        let i = q.marks.partition_point(|(end, _)| *end <= offset);
        q.marks.get(i).map(|(_, ms)| *ms)
    }

    /// Wait for the program to exit and the far end to get everything it
    /// wrote; the program's exit status.
    pub fn wait(mut self) -> io::Result<ExitStatus> {
        let status = self.child.wait()?;
        if let Some(r) = self.reader.take() {
            let _ = r.join();
        }
        if let Some(p) = self.pacer.take() {
            p.join().map_err(|_| io::Error::other("the relay's pacer panicked"))??;
        }
        Ok(status)
    }
}

impl Drop for Relay {
    /// Stop the program; the threads end as its pty closes.
    fn drop(&mut self) {
        if self.reader.is_some() {
            let _ = self.child.kill();
            let _ = self.child.wait();
            let mut q = self.shared.lock();
            q.closed = true;
            q.bytes.clear();
            drop(q);
            self.shared.data.notify_all();
            self.shared.space.notify_all();
        }
    }
}

/// Read the program's output as soon as it is written, while the buffer
/// has room; stop at the end of its output (EIO once it has exited).
fn read_program(shared: &Shared, mut pty: &pty_process::blocking::Pty, link: Link) {
    let mut chunk = vec![0u8; 16 << 10];
    loop {
        let room = {
            let mut q = shared.lock();
            while q.bytes.len() >= link.buffer && !q.closed {
                q = shared.space.wait(q).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            if q.closed {
                return;
            }
            link.buffer - q.bytes.len()
        };
        let want = room.min(chunk.len());
        let n = match pty.read(&mut chunk[..want]) {
            Ok(0) | Err(_) => 0,
            Ok(n) => n,
        };
        let mut q = shared.lock();
        if n == 0 {
            q.closed = true;
            shared.data.notify_all();
            return;
        }
        q.bytes.extend(&chunk[..n]);
        let total = shared.counters.read.fetch_add(n as u64, Ordering::AcqRel) + n as u64;
        if link.marks {
            q.marks.push((total, unix_ms()));
        }
        shared.data.notify_all();
    }
}

/// Pass the buffer on to the far end: at `rate` in chunks every [`TICK`],
/// or as it comes. Ends when the program's side has closed and everything
/// has been passed, or the far end fails.
fn pass_on(
    shared: &Shared,
    rate: Option<u64>,
    mut far: impl FnMut(&[u8]) -> io::Result<()>,
) -> io::Result<()> {
    let mut bucket = rate.map(Bucket::new);
    let mut out = Vec::new();
    let mut last = Instant::now();
    loop {
        let allowance = match bucket.as_mut() {
            Some(b) => {
                std::thread::sleep(TICK);
                let now = Instant::now();
                let a = b.fill(now.duration_since(last));
                last = now;
                a
            }
            None => usize::MAX,
        };
        let closed = {
            let mut q = shared.lock();
            while bucket.is_none() && q.bytes.is_empty() && !q.closed {
                q = shared.data.wait(q).unwrap_or_else(std::sync::PoisonError::into_inner);
            }
            let n = allowance.min(q.bytes.len());
            out.clear();
            out.extend(q.bytes.drain(..n));
            shared.space.notify_all();
            q.closed && q.bytes.is_empty()
        };
        if let Some(b) = bucket.as_mut() {
            b.spend(out.len());
        }
        if !out.is_empty() {
            far(&out)?;
            shared.counters.passed.fetch_add(out.len() as u64, Ordering::AcqRel);
        }
        if closed {
            return Ok(());
        }
    }
}

/// A token bucket that holds at most two ticks' worth: a link that sat
/// idle cannot send faster afterwards.
#[derive(Debug)]
pub struct Bucket {
    rate: f64,
    credit: f64,
}

impl Bucket {
    pub fn new(rate: u64) -> Bucket {
        Bucket { rate: rate as f64, credit: 0.0 }
    }

    /// Add the credit of `elapsed`; whole bytes that may be sent now.
    pub fn fill(&mut self, elapsed: Duration) -> usize {
        let cap = (self.rate * 2.0 * TICK.as_secs_f64()).max(1.0);
        self.credit = (self.credit + self.rate * elapsed.as_secs_f64()).min(cap);
        self.credit as usize
    }

    pub fn spend(&mut self, bytes: usize) {
        self.credit = (self.credit - bytes as f64).max(0.0);
    }
}
