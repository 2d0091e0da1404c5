//! Simulated backfill jobs for `/ws/backfill`: several running at different
//! rates, one paused, one failed with errors, one completed, one pending that
//! starts after a few ticks. Frames use RFC 3339 times, the contract's other
//! timestamp form.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

use crate::protocol::{BACKFILL_PROGRESS, BackfillJob, Envelope, JobStatus, Timestamp};

const ERRORS: &[&str] = &[
    "timeout fetching block 881",
    "rate limited by upstream archive (HTTP 429)",
    "malformed row skipped at offset 412 991",
    "connection reset by peer",
];

struct Job {
    job: BackfillJob,
    /// Rows per second when running.
    base_rate: f64,
    /// Ticks to wait before a pending job starts.
    start_in: u32,
}

pub(crate) struct BackfillSim {
    jobs: Vec<Job>,
    rng: SmallRng,
}

fn job(id: &str, name: &str, status: JobStatus, processed: u64, total: u64) -> BackfillJob {
    BackfillJob {
        job_id: id.into(),
        name: name.into(),
        status,
        processed,
        total,
        rate_per_sec: 0.0,
        eta_seconds: None,
        errors: 0,
        last_error: None,
        started_at: None,
        updated_at: Some(Timestamp::now()),
    }
}

impl BackfillSim {
    pub(crate) fn new(seed: u64) -> Self {
        let now = Timestamp::now().0;
        let mk = |mut j: BackfillJob, base_rate: f64, ago_secs: i64, start_in: u32| {
            if j.status != JobStatus::Pending {
                j.started_at = Some(Timestamp(now - ago_secs * 1000));
            }
            if j.status == JobStatus::Running {
                j.rate_per_sec = base_rate;
            }
            Job { job: j, base_rate, start_in }
        };
        let mut failed = job("ledger-2018", "Ledger 2018", JobStatus::Failed, 7_781, 20_000);
        failed.errors = 14;
        failed.last_error = Some("checksum mismatch in ledger segment 0412".into());
        let mut blocks = job("blocks-2019", "Blocks 2019", JobStatus::Running, 12_345, 50_000);
        blocks.errors = 2;
        blocks.last_error = Some(ERRORS[0].into());
        let jobs = vec![
            mk(blocks, 812.5, 620, 0),
            mk(
                job("trades-2020", "Trades 2020", JobStatus::Running, 96_000, 400_000),
                2_400.0,
                40,
                0,
            ),
            mk(
                job("quotes-2021", "Quotes 2021", JobStatus::Paused, 120_500, 300_000),
                1_500.0,
                900,
                0,
            ),
            mk(failed, 300.0, 1_800, 0),
            mk(
                job("snapshots-2017", "Snapshots 2017", JobStatus::Completed, 10_000, 10_000),
                0.0,
                3_600,
                0,
            ),
            mk(job("corp-actions", "Corporate actions", JobStatus::Pending, 0, 8_000), 150.0, 0, 5),
        ];
        BackfillSim { jobs, rng: SmallRng::seed_from_u64(seed ^ 0x0bac_f111) }
    }

    pub(crate) fn jobs(&self) -> Vec<BackfillJob> {
        self.jobs.iter().map(|j| j.job.clone()).collect()
    }

    /// Advance every job by `dt` seconds; returns the jobs that changed.
    pub(crate) fn tick(&mut self, dt: f64) -> Vec<BackfillJob> {
        let now = Timestamp::now();
        let mut changed = Vec::new();
        for j in &mut self.jobs {
            let b = &mut j.job;
            match b.status {
                JobStatus::Pending if j.start_in == 0 => {
                    b.status = JobStatus::Running;
                    b.started_at = Some(now);
                }
                JobStatus::Pending => {
                    j.start_in -= 1;
                    continue;
                }
                JobStatus::Running => {
                    let rate = j.base_rate * self.rng.random_range(0.8..1.2);
                    b.rate_per_sec = (rate * 10.0).round() / 10.0;
                    let step = (rate * dt).round() as u64;
                    b.processed = (b.processed + step.max(1)).min(b.total);
                    if self.rng.random_bool(0.02) {
                        b.errors += 1;
                        b.last_error = Some(ERRORS[self.rng.random_range(0..ERRORS.len())].into());
                    }
                    if b.processed >= b.total {
                        b.status = JobStatus::Completed;
                        b.rate_per_sec = 0.0;
                    }
                }
                _ => continue,
            }
            b.eta_seconds = (b.status == JobStatus::Running && b.rate_per_sec > 0.0)
                .then(|| ((b.total - b.processed) as f64 / b.rate_per_sec).round());
            b.updated_at = Some(now);
            changed.push(b.clone());
        }
        changed
    }
}

/// One `backfill_progress` message, with RFC 3339 timestamps.
pub(crate) fn progress_frame(job: &BackfillJob) -> anyhow::Result<String> {
    let env = Envelope { kind: BACKFILL_PROGRESS.to_owned(), timestamp: None, data: job };
    let mut v = serde_json::to_value(env)?;
    let rfc = |t: Option<Timestamp>| t.map(|t| Value::String(t.to_rfc3339()));
    if let Some(obj) = v.as_object_mut() {
        obj.insert("timestamp".into(), Value::String(Timestamp::now().to_rfc3339()));
        if let Some(data) = obj.get_mut("data").and_then(Value::as_object_mut) {
            for (key, t) in [("started_at", job.started_at), ("updated_at", job.updated_at)] {
                if let Some(s) = rfc(t) {
                    data.insert(key.into(), s);
                }
            }
        }
    }
    Ok(serde_json::to_string(&v)?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;
    use crate::protocol::decode_backfill;

    #[test]
    fn jobs_cover_every_state_and_progress() {
        let mut sim = BackfillSim::new(42);
        let statuses: Vec<_> = sim.jobs().iter().map(|j| j.status).collect();
        for s in [JobStatus::Running, JobStatus::Paused, JobStatus::Failed, JobStatus::Completed] {
            assert!(statuses.contains(&s), "{s:?} missing");
        }
        let before = sim.jobs()[0].processed;
        let changed = sim.tick(1.0);
        assert!(changed.iter().all(|j| j.status == JobStatus::Running));
        assert!(sim.jobs()[0].processed > before);
    }

    #[test]
    fn frames_use_rfc3339_and_decode() {
        let sim = BackfillSim::new(1);
        let frame = progress_frame(&sim.jobs()[0]).unwrap();
        assert!(frame.contains("\"started_at\":\"20"), "{frame}");
        let d = decode_backfill(frame.as_bytes(), false).unwrap();
        assert_eq!(d.items[0].job_id, "blocks-2019");
        assert_eq!(d.items[0].last_error.as_deref(), Some(ERRORS[0]));
    }
}
