//! Micro-benchmarks of the console's hot paths (issue 7): decoding price
//! frames, applying updates to the state, rendering a tab at 200x50, and
//! ratatui's frame diff; the chart (issue 17) and the alert inbox (issue
//! 18), and each venue adapter's ticker (issue 19). `cargo bench --bench
//! core`.

#![allow(clippy::unwrap_used, reason = "a benchmark that cannot set up should stop")]
#[path = "../tests/common/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use std::time::Instant;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use meridian::app::{App, Settings, Tab};
use meridian::event::{Event, FeedEvent};
use meridian::keymap::Keymap;
use meridian::protocol::{PriceKind, PriceUpdate, Timestamp, decode_price_frame};
use meridian::theme::Theme;
use meridian::tui::{Screen, TermScreen};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn update(i: usize, kind: PriceKind) -> PriceUpdate {
    let p = 100.0 + (i % 97) as f64 * 0.37;
    PriceUpdate {
        kind,
        symbol: format!("S{:04}", i % 1000),
        price: Some(p),
        bid: Some(p - 0.01),
        ask: Some(p + 0.01),
        timestamp: Some(Timestamp(1_705_660_245_123 + i as i64)),
        volume: Some(1200.0 + i as f64),
        open: None,
    }
}

fn decode(c: &mut Criterion) {
    let one = update(1, PriceKind::Snapshot);
    let json = serde_json::to_vec(&one).unwrap();
    let pack = rmp_serde::to_vec_named(&one).unwrap();
    let batch: Vec<_> = (0..100).map(|i| update(i, PriceKind::Delta)).collect();
    let json_batch = serde_json::to_vec(&batch).unwrap();
    let pack_batch = rmp_serde::to_vec_named(&batch).unwrap();
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    g.bench_function("json_one", |b| b.iter(|| decode_price_frame(&json, false).unwrap()));
    g.bench_function("msgpack_one", |b| b.iter(|| decode_price_frame(&pack, true).unwrap()));
    g.throughput(Throughput::Elements(100));
    g.bench_function("json_batch_100", |b| {
        b.iter(|| decode_price_frame(&json_batch, false).unwrap())
    });
    g.bench_function("msgpack_batch_100", |b| {
        b.iter(|| decode_price_frame(&pack_batch, true).unwrap())
    });
    g.finish();
}

/// One ticker per venue (the first snapshot line of each fixture), read by
/// its adapter, beside the contract's JSON and MessagePack above.
fn decode_venues(c: &mut Criterion) {
    use meridian::venues::PricesFormat;
    let frames = [
        (
            PricesFormat::Coinbase,
            "BTC-USD",
            include_str!("../tests/fixtures/venues/coinbase.jsonl"),
        ),
        (PricesFormat::Kraken, "BTC/USD", include_str!("../tests/fixtures/venues/kraken.jsonl")),
        (PricesFormat::Binance, "BTCUSDT", include_str!("../tests/fixtures/venues/binance.jsonl")),
    ];
    let mut g = c.benchmark_group("decode");
    g.throughput(Throughput::Elements(1));
    for (format, symbol, fixture) in frames {
        let ticker = fixture
            .lines()
            .skip_while(|l| !l.starts_with("# snapshot"))
            .nth(1)
            .unwrap()
            .as_bytes()
            .to_vec();
        let mut adapter = format.adapter().unwrap();
        adapter.subscribe(&[symbol.to_owned()]);
        let mut out = Vec::new();
        g.bench_function(format!("{format}_ticker"), |b| {
            b.iter(|| {
                out.clear();
                adapter.decode(&ticker, &mut out).unwrap();
                out.len()
            })
        });
    }
    g.finish();
}

fn apply(c: &mut Criterion) {
    let symbols: Vec<String> = (0..1000).map(|i| format!("S{i:04}")).collect();
    // 1M updates across 1000 symbols, in the 1000-update batches the feed
    // task hands over.
    let batches: Vec<Vec<PriceUpdate>> = (0..1000)
        .map(|b| (0..1000).map(|i| update(b * 1000 + i, PriceKind::Delta)).collect())
        .collect();
    let mut g = c.benchmark_group("apply");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1_000_000));
    g.bench_function("1m_updates_1000_symbols", |b| {
        b.iter_batched(
            || {
                App::new(
                    Settings::default(),
                    Keymap::default_map(),
                    symbols.clone(),
                    Instant::now(),
                )
            },
            |mut app| {
                let mut fx = Vec::new();
                for batch in &batches {
                    app.update(Event::Feed(FeedEvent::Prices(batch.clone())), &mut fx);
                }
                app
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn render(c: &mut Criterion) {
    let theme = Theme::by_name("default").unwrap();
    let mut app = fixture::populated();
    let mut g = c.benchmark_group("render_200x50");
    for tab in Tab::ALL {
        app.tab = tab;
        let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
        g.bench_function(tab.title().to_lowercase(), |b| {
            b.iter(|| {
                term.draw(|f| meridian::ui::render(f, &app, &theme)).unwrap();
            })
        });
    }
    // The watchlist full: every row on screen with a quote and a sparkline
    // as long as the history keeps.
    let busy = fixture::busy_watchlist(1000, 130);
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    g.bench_function("markets_1000_symbols_full_history", |b| {
        b.iter(|| {
            term.draw(|f| meridian::ui::render(f, &busy, &theme)).unwrap();
        })
    });
    g.finish();
}

/// One whole frame of a busy watchlist as the terminal gets it: a tick for
/// each of 50 symbols, then render, diff and the compact encoding.
fn frame(c: &mut Criterion) {
    let theme = Theme::by_name("default").unwrap();
    let mut app = fixture::busy_watchlist(50, 130);
    let mut screen = TermScreen::fixed(std::io::sink(), 200, 60).unwrap();
    let mut step = 0u32;
    c.bench_function("frame_200x60_50_ticking_rows", |b| {
        b.iter(|| {
            step += 1;
            let tick = (0..50)
                .map(|i| PriceUpdate {
                    symbol: format!("S{i:04}"),
                    price: Some(50.0 + i as f64 * 7.0 + (step as f64 * 0.1).sin()),
                    ..update(0, PriceKind::Delta)
                })
                .collect();
            app.now += std::time::Duration::from_millis(33);
            app.update(Event::Feed(FeedEvent::Prices(tick)), &mut Vec::new());
            screen.draw(&app, &theme).unwrap();
        })
    });
}

fn diff(c: &mut Criterion) {
    let theme = Theme::by_name("default").unwrap();
    let mut app = fixture::populated();
    app.tab = Tab::Markets;
    let area = Rect::new(0, 0, 200, 50);
    let draw = |app: &App| {
        let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
        term.draw(|f| meridian::ui::render(f, app, &theme)).unwrap();
        term.backend().buffer().clone()
    };
    let before = draw(&app);
    // One tick for every symbol, as between two frames of a busy feed.
    let tick: Vec<PriceUpdate> = fixture::SYMBOLS
        .iter()
        .map(|s| PriceUpdate { symbol: s.to_string(), ..update(7, PriceKind::Delta) })
        .collect();
    app.update(Event::Feed(FeedEvent::Prices(tick)), &mut Vec::new());
    let after = draw(&app);
    assert_eq!(*before.area(), area);
    c.bench_function("frame_diff_200x50", |b| b.iter(|| Buffer::diff(&before, &after).len()));
}

/// The chart (issue 17): drawing the detail with 1,000 candles at 200x50,
/// and taking a day of history into a chart (done when the answer arrives,
/// off the render path).
fn chart(c: &mut Criterion) {
    use meridian::event::ApiEvent;
    let theme = Theme::by_name("default").unwrap();
    let mut app = fixture::charted(Ok(fixture::day_of_candles(1000)));
    app.markets.detail = true;
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut g = c.benchmark_group("chart");
    g.bench_function("detail_1000_candles_200x50", |b| {
        b.iter(|| {
            term.draw(|f| meridian::ui::render(f, &app, &theme)).unwrap();
        })
    });
    let day = fixture::day_of_candles(1440);
    g.bench_function("merge_a_day_of_candles", |b| {
        b.iter_batched(
            || (fixture::charted(Ok(Default::default())), day.clone()),
            |(mut app, day)| {
                let ev = ApiEvent::Candles {
                    symbol: "AAPL".into(),
                    interval: app.markets.interval,
                    result: Ok(day),
                };
                app.update(Event::Api(ev), &mut Vec::new());
                app
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// The alert inbox (issue 18): drawing the Alerts tab with a full inbox
/// (500 alerts in every state, sorted and filtered each frame) at 200x50,
/// and taking in an Alertmanager poll of 500 alerts.
fn inbox(c: &mut Criterion) {
    use meridian::protocol::{Alert, AlertState, Severity};
    use meridian::sources::{SourceEvent, SourcedAlert};
    let theme = Theme::by_name("default").unwrap();
    let states =
        [AlertState::Firing, AlertState::Acknowledged, AlertState::Snoozed, AlertState::Resolved];
    let severities = [Severity::Critical, Severity::Warning, Severity::Info];
    let alert = |i: usize| Alert {
        id: format!("a{i}").as_str().into(),
        severity: severities[i % 3],
        title: format!("service-{i} is degraded"),
        message: format!("latency above SLO on node {i}"),
        source: format!("service-{}", i % 40),
        state: states[i % 4],
        started_at: Some(Timestamp(1_705_660_245_000 - i as i64 * 60_000)),
        acked_by: (i % 4 == 1).then(|| "ana".to_owned()),
        snoozed_until: (i % 4 == 2).then_some(Timestamp(1_705_670_000_000)),
        ..Alert::default()
    };
    let mut app = fixture::populated();
    app.tab = Tab::Alerts;
    app.alerts.state_filter = meridian::app::StateFilter::All;
    let list = meridian::protocol::AlertList { alerts: (0..500).map(alert).collect() };
    app.update(Event::Api(meridian::event::ApiEvent::Alerts(Ok(list))), &mut Vec::new());
    let mut term = Terminal::new(TestBackend::new(200, 50)).unwrap();
    let mut g = c.benchmark_group("inbox");
    g.bench_function("alerts_tab_500_200x50", |b| {
        b.iter(|| {
            term.draw(|f| meridian::ui::render(f, &app, &theme)).unwrap();
        })
    });
    let poll: Vec<SourcedAlert> = (0..500)
        .map(|i| SourcedAlert { alert: alert(i + 1000), labels: Default::default() })
        .collect();
    g.bench_function("alertmanager_poll_500", |b| {
        b.iter_batched(
            || {
                let mut app = fixture::populated();
                app.alerts.am = Some(meridian::app::AmSource::new("am".into(), app.now));
                (app, poll.clone())
            },
            |(mut app, poll)| {
                app.update(Event::Source(SourceEvent::Alertmanager(Ok(poll))), &mut Vec::new());
                app
            },
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, decode, decode_venues, apply, render, diff, frame, chart, inbox);
criterion_main!(benches);
