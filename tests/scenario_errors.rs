//! Every scenario error must say where (line:column), which key, and what was expected.

use std::path::Path;

use marketsim::scenario::{
    AgentParams, Compression, EventKind, ExecStyle, ExecutionParams, MarketMakerParams,
    MomentumParams, NoiseParams, ScenarioError, ValueParams, load, parse,
};
use marketsim::types::{Nanos, Side};

/// A minimal valid scenario. Its last line is line 12, so appended text starts at line 13.
const BASE: &str = r#"[scenario]
name = "t"

[session]
date = "2024-06-19"
open = "09:30"
close = "16:00"

[market]
symbol = "SIM"
tick_size = 0.01
initial_price = 100.0
"#;

const FILE: &str = "scenarios/x.toml";

fn err(text: &str) -> ScenarioError {
    match parse(text, Path::new(FILE)) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(e) => e,
    }
}

/// Asserts position, key path and the start of the message, and that Display agrees with them.
fn check(e: &ScenarioError, line: usize, column: usize, field: &str, message_prefix: &str) {
    assert_eq!((e.line, e.column), (line, column), "position of: {e}");
    assert_eq!(e.field, field, "field of: {e}");
    assert!(
        e.message.starts_with(message_prefix),
        "message of: {e}\nexpected to start with: {message_prefix}"
    );
    let shown = e.to_string();
    let head = if field.is_empty() {
        format!("{FILE}:{line}:{column}: ")
    } else {
        format!("{FILE}:{line}:{column}: {field}: ")
    };
    assert!(shown.starts_with(&head), "{shown}");
}

fn with(extra: &str) -> String {
    format!("{BASE}{extra}")
}

#[test]
fn base_is_valid() {
    let s = parse(BASE, Path::new(FILE)).unwrap();
    assert_eq!(s.session.length, Nanos::from_secs(6 * 3600 + 1800));
    assert!(s.agents.is_empty() && s.events.is_empty());
}

#[test]
fn malformed_toml() {
    let e = err("[scenario\nname = \"t\"\n");
    check(&e, 1, 10, "", "unclosed table");
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nsize_median = \n",
    ));
    assert_eq!(e.line, 16, "{e}");
}

#[test]
fn duplicate_key_is_a_syntax_error() {
    let e = err(&BASE.replace("tick_size = 0.01", "tick_size = 0.01\ntick_size = 0.02"));
    check(&e, 12, 1, "", "duplicate key");
}

#[test]
fn unknown_top_level_key() {
    let e = err(&format!("colour = \"red\"\n{BASE}"));
    check(
        &e,
        1,
        1,
        "colour",
        "unknown key `colour`, expected one of `scenario`, `session`",
    );
    assert!(
        e.message.contains("`agents`") && e.message.contains("`events`"),
        "{e}"
    );

    let e = err(&with("[agent]\ntype = \"noise\"\n"));
    check(&e, 13, 2, "agent", "unknown key `agent`");
}

#[test]
fn unknown_key_in_market() {
    let e = err(&BASE.replace("tick_size = 0.01", "tick_size = 0.01\ntick = 0.05"));
    check(
        &e,
        12,
        1,
        "market.tick",
        "unknown key `tick`, expected one of `symbol`, `tick_size`",
    );
}

#[test]
fn unknown_key_in_agent_entry() {
    let text = with(
        "\n[[agents]]\ntype = \"noise\"\ncount = 10\n\n[[agents]]\ntype = \"value\"\ncount = 5\nwake_intervall = \"5m\"\n",
    );
    let e = err(&text);
    check(
        &e,
        21,
        1,
        "agents[1].wake_intervall",
        "unknown key `wake_intervall`",
    );
    // The list of allowed keys is the family's own, so the fix is visible in the message.
    assert!(
        e.message.contains("`wake_interval`") && e.message.contains("`observation_noise`"),
        "{e}"
    );
    assert!(
        !e.message.contains("`p_market`"),
        "noise keys must not be allowed in value: {e}"
    );
}

#[test]
fn key_of_another_family_is_unknown() {
    let e = err(&with(
        "[[agents]]\ntype = \"execution\"\ncount = 1\nwake_interval = \"1s\"\n",
    ));
    check(
        &e,
        16,
        1,
        "agents[0].wake_interval",
        "unknown key `wake_interval`",
    );
}

#[test]
fn unknown_key_nested_in_agent_latency() {
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nlatency = { order_entry = { bas = \"1us\" } }\n",
    ));
    check(
        &e,
        16,
        29,
        "agents[0].latency.order_entry.bas",
        "unknown key `bas`, expected `base` or `jitter`",
    );
}

#[test]
fn unknown_agent_type() {
    let e = err(&with("[[agents]]\ntype = \"nosie\"\ncount = 3\n"));
    check(
        &e,
        14,
        8,
        "agents[0].type",
        "unknown type \"nosie\", expected one of \"noise\", \"value\"",
    );
}

#[test]
fn agent_type_missing_or_not_a_string() {
    let e = err(&with("[[agents]]\ncount = 3\n"));
    check(&e, 13, 1, "agents[0].type", "missing required key `type`");
    let e = err(&with("[[agents]]\ntype = 3\ncount = 3\n"));
    check(&e, 14, 8, "agents[0].type", "expected one of \"noise\"");
}

#[test]
fn missing_count_points_at_the_entry() {
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 1\n\n[[agents]]\ntype = \"value\"\n",
    ));
    check(&e, 17, 1, "agents[1].count", "missing required key `count`");
}

#[test]
fn inline_agent_array_keeps_positions() {
    let e = err(&with(
        "agents = [\n  { type = \"noise\", count = 1 },\n  { type = \"noise\", count = -4 },\n]\n",
    ));
    // `agents = [...]` after [market] would belong to it, so put the array at the top instead.
    assert_eq!(e.field, "market.agents", "{e}");
    let text = format!(
        "agents = [\n  {{ type = \"noise\", count = 1 }},\n  {{ type = \"noise\", count = -4 }},\n]\n{BASE}"
    );
    let e = err(&text);
    check(
        &e,
        3,
        29,
        "agents[1].count",
        "expected an integer from 0 to 1000000, got -4",
    );
}

#[test]
fn negative_tick_size() {
    let e = err(&BASE.replace("tick_size = 0.01", "tick_size = -0.01"));
    check(
        &e,
        11,
        13,
        "market.tick_size",
        "expected a positive number, got -0.01",
    );
    assert_eq!(
        e.to_string(),
        "scenarios/x.toml:11:13: market.tick_size: expected a positive number, got -0.01"
    );
}

#[test]
fn wrong_value_type() {
    let e = err(&BASE.replace("tick_size = 0.01", "tick_size = \"0.01\""));
    check(
        &e,
        11,
        13,
        "market.tick_size",
        "expected a number, got string \"0.01\" (write it without quotes)",
    );
}

#[test]
fn initial_price_off_the_tick_grid() {
    let e = err(&BASE.replace("initial_price = 100.0", "initial_price = 100.005"));
    check(
        &e,
        12,
        17,
        "market.initial_price",
        "expected a whole number of ticks",
    );
}

#[test]
fn event_outside_the_session() {
    let after = err(&with(
        "[[events]]\nkind = \"news\"\nat = \"16:00:00\"\njump = 0.02\n",
    ));
    check(
        &after,
        15,
        6,
        "events[0].at",
        "expected a time within the session",
    );
    assert!(
        after.message.contains("09:30:00") && after.message.contains("16:00:00"),
        "{after}"
    );
    let before = err(&with(
        "[[events]]\nkind = \"news\"\nat = \"09:29:59.999\"\njump = 0.02\n",
    ));
    check(
        &before,
        15,
        6,
        "events[0].at",
        "expected a time within the session",
    );
}

#[test]
fn event_kind_and_jump() {
    let e = err(&with(
        "[[events]]\nkind = \"circuit_breaker\"\nat = \"12:00\"\n",
    ));
    check(
        &e,
        14,
        8,
        "events[0].kind",
        "unknown kind \"circuit_breaker\", expected one of \"news\", \"flash_crash\", \"liquidity_shock\", \"volatility_regime\", \"halt\", \"price_bands\", \"latency_spike\", \"fat_finger\"",
    );
    let e = err(&with(
        "[[events]]\nkind = \"news\"\nat = \"12:00\"\njump = -1.0\n",
    ));
    check(
        &e,
        16,
        8,
        "events[0].jump",
        "expected a non-zero fraction from -0.99 to 10",
    );
}

/// One `[[events]]` entry after BASE: the header is line 13, the entry's first key line 14.
fn with_event(keys: &str) -> String {
    with(&format!("[[events]]\n{keys}"))
}

/// Like `with_event` with `market.lot_size = 100`, which pushes the header to line 14.
fn with_lot_event(keys: &str) -> String {
    let base = BASE.replace("tick_size = 0.01", "tick_size = 0.01\nlot_size = 100");
    format!("{base}[[events]]\n{keys}")
}

#[test]
fn event_window_past_the_close() {
    let e = err(&with_event(
        "kind = \"halt\"\nat = \"15:50\"\nduration = \"15m\"\n",
    ));
    check(
        &e,
        16,
        12,
        "events[0].duration",
        "expected the event to end by the close at 16:00:00, i.e. a duration of at most \"10m\" from 15:50:00, got \"15m\"",
    );
    // Ending exactly at the close is allowed.
    parse(
        &with_event("kind = \"halt\"\nat = \"15:50\"\nduration = \"10m\"\n"),
        Path::new(FILE),
    )
    .unwrap();
    // Price bands may leave `duration` out (until the close), but a given one must fit.
    let e = err(&with_event(
        "kind = \"price_bands\"\nat = \"15:00\"\nduration = \"1h1s\"\nband = 0.1\n",
    ));
    check(
        &e,
        16,
        12,
        "events[0].duration",
        "expected the event to end by the close at 16:00:00",
    );
    let e = err(&with_event(
        "kind = \"volatility_regime\"\nat = \"12:00\"\nduration = \"0s\"\nmultiplier = 2\n",
    ));
    check(
        &e,
        16,
        12,
        "events[0].duration",
        "expected a duration greater than zero, got \"0s\"",
    );
}

#[test]
fn windowed_event_without_duration() {
    let e = err(&with_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nsize = 100\nparticipation = 0.1\n",
    ));
    check(
        &e,
        13,
        1,
        "events[0].duration",
        "missing required key `duration`",
    );
}

#[test]
fn unknown_key_in_flash_crash() {
    let e = err(&with_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 1000\nparticipation = 0.2\nmaker_withdrawl = 3.0\n",
    ));
    check(
        &e,
        19,
        1,
        "events[0].maker_withdrawl",
        "unknown key `maker_withdrawl`, expected one of `kind`, `name`, `at`, `duration`, `size`, `participation`, `interval`, `side`, `maker_withdrawal`",
    );
    // Keys of another kind are unknown too.
    let e = err(&with_event(
        "kind = \"halt\"\nat = \"12:00\"\nduration = \"5m\"\njump = 0.1\n",
    ));
    check(
        &e,
        17,
        1,
        "events[0].jump",
        "unknown key `jump`, expected one of `kind`, `name`, `at`, `duration`",
    );
}

#[test]
fn flash_crash_participation_out_of_range() {
    let crash = |p: &str| {
        with_event(&format!(
            "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 1000\nparticipation = {p}\n"
        ))
    };
    for (p, shown) in [("0", "0"), ("1.5", "1.5"), ("-0.1", "-0.1"), ("nan", "NaN")] {
        let e = err(&crash(p));
        check(
            &e,
            18,
            17,
            "events[0].participation",
            &format!("expected a fraction of market volume in (0, 1], got {shown}"),
        );
    }
    parse(&crash("1"), Path::new(FILE)).unwrap();
}

#[test]
fn flash_crash_other_limits() {
    let e = err(&with_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 0\nparticipation = 0.2\n",
    ));
    check(
        &e,
        17,
        8,
        "events[0].size",
        "expected an integer from 1 to 1000000000000, got 0",
    );
    let e = err(&with_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 100\nparticipation = 0.2\ninterval = \"0s\"\n",
    ));
    check(
        &e,
        19,
        12,
        "events[0].interval",
        "expected an interval of at least 1us",
    );
    let e = err(&with_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 100\nparticipation = 0.2\nmaker_withdrawal = 0\n",
    ));
    check(
        &e,
        19,
        20,
        "events[0].maker_withdrawal",
        "expected a positive volatility threshold in ticks per wake, got 0",
    );
    let e = err(&with_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 100\nparticipation = 0.2\nside = \"short\"\n",
    ));
    check(
        &e,
        19,
        8,
        "events[0].side",
        "unknown variant `short`, expected `buy` or `sell`",
    );
}

#[test]
fn size_not_a_multiple_of_the_lot() {
    let e = err(&with_lot_event(
        "kind = \"fat_finger\"\nat = \"12:00\"\nside = \"sell\"\nsize = 150\n",
    ));
    check(
        &e,
        18,
        8,
        "events[0].size",
        "expected a multiple of market.lot_size (100 shares), got 150",
    );
    let e = err(&with_lot_event(
        "kind = \"flash_crash\"\nat = \"12:00\"\nduration = \"5m\"\nsize = 10050\nparticipation = 0.2\n",
    ));
    check(
        &e,
        18,
        8,
        "events[0].size",
        "expected a multiple of market.lot_size (100 shares), got 10050",
    );
    parse(
        &with_lot_event("kind = \"fat_finger\"\nat = \"12:00\"\nside = \"sell\"\nsize = 1500\n"),
        Path::new(FILE),
    )
    .unwrap();
}

#[test]
fn latency_spike_links_and_multiplier() {
    let spike = |extra: &str| {
        with_event(&format!(
            "kind = \"latency_spike\"\nat = \"12:00\"\nduration = \"1m\"\nmultiplier = 5\n{extra}"
        ))
    };
    let e = err(&spike("links = \"data\"\n"));
    check(
        &e,
        18,
        9,
        "events[0].links",
        "unknown variant `data`, expected one of `order_entry`, `market_data`, `both`",
    );
    let e = err(&with_event(
        "kind = \"latency_spike\"\nat = \"12:00\"\nduration = \"1m\"\nmultiplier = 0.5\n",
    ));
    check(
        &e,
        17,
        14,
        "events[0].multiplier",
        "expected a multiplier from 1 (latency can only get worse) to 1000000, got 0.5",
    );
}

#[test]
fn latency_spike_agent_families() {
    let spike = |agents: &str| {
        with_event(&format!(
            "kind = \"latency_spike\"\nat = \"12:00\"\nduration = \"1m\"\nmultiplier = 5\nagents = {agents}\n"
        ))
    };
    let e = err(&spike("[\"noise\", \"vaule\"]"));
    check(
        &e,
        18,
        20,
        "events[0].agents[1]",
        "unknown agent family \"vaule\", expected one of \"noise\", \"value\", \"momentum\", \"market_maker\", \"fast_provider\", \"execution\"",
    );
    let e = err(&spike("[]"));
    check(
        &e,
        18,
        10,
        "events[0].agents",
        "expected at least one agent family (leave `agents` out to affect every family), got []",
    );
    let e = err(&spike("[\"value\", \"value\"]"));
    check(
        &e,
        18,
        20,
        "events[0].agents[1]",
        "\"value\" is listed twice",
    );
    let e = err(&spike("[3]"));
    check(
        &e,
        18,
        11,
        "events[0].agents[0]",
        "expected a string, got integer `3`",
    );
}

#[test]
fn news_delay_families() {
    let news = |delay: &str| {
        with_event(&format!(
            "kind = \"news\"\nat = \"12:00\"\njump = 0.01\ndelay = {delay}\n"
        ))
    };
    let e = err(&news("{ value = \"30s\", mm = \"1s\" }"));
    check(
        &e,
        17,
        26,
        "events[0].delay.mm",
        "unknown key `mm`, expected one of `noise`, `value`, `momentum`, `market_maker`, `fast_provider`, `execution`",
    );
    let e = err(&news("\"30s\""));
    check(
        &e,
        17,
        9,
        "events[0].delay",
        "expected a table of agent family = delay, like { value = \"30s\" }, got string \"30s\"",
    );
    let e = err(&news("{ value = \"-1s\" }"));
    check(
        &e,
        17,
        19,
        "events[0].delay.value",
        "expected a duration like",
    );
}

#[test]
fn fat_finger_price() {
    let finger = |price: &str| {
        with_event(&format!(
            "kind = \"fat_finger\"\nat = \"12:00\"\nside = \"buy\"\nsize = 100\nprice = {price}\n"
        ))
    };
    let e = err(&finger("100.005"));
    check(
        &e,
        18,
        9,
        "events[0].price",
        "expected a whole number of ticks (tick_size 0.01), got 100.005 = ",
    );
    let e = err(&finger("0"));
    check(
        &e,
        18,
        9,
        "events[0].price",
        "expected a positive number, got 0",
    );
    // 100.07 / 0.01 is not exactly 10007 in binary; the relative tolerance absorbs that.
    parse(&finger("100.07"), Path::new(FILE)).unwrap();
    let e = err(&with_event(
        "kind = \"fat_finger\"\nat = \"12:00\"\nsize = 100\n",
    ));
    check(&e, 13, 1, "events[0].side", "missing required key `side`");
}

#[test]
fn liquidity_shock_without_effect() {
    let shock = |keys: &str| {
        with_event(&format!(
            "kind = \"liquidity_shock\"\nat = \"12:00\"\nduration = \"5m\"\n{keys}"
        ))
    };
    let e = err(&shock(
        "withdraw = 0\nspread_multiplier = 1\ndepth_cut = 0\n",
    ));
    check(
        &e,
        13,
        1,
        "events[0]",
        "expected the shock to have an effect (withdraw > 0, spread_multiplier > 1 or depth_cut > 0)",
    );
    // One effective parameter, here the defaulted depth_cut, is enough.
    parse(
        &shock("withdraw = 0\nspread_multiplier = 1\n"),
        Path::new(FILE),
    )
    .unwrap();
    let e = err(&shock("depth_cut = 1\n"));
    check(
        &e,
        17,
        13,
        "events[0].depth_cut",
        "expected a fraction of quoted size in [0, 1), got 1",
    );
    let e = err(&shock("spread_multiplier = 0.5\n"));
    check(
        &e,
        17,
        21,
        "events[0].spread_multiplier",
        "expected a multiplier >= 1, got 0.5",
    );
    let e = err(&shock("withdraw = 1.2\n"));
    check(
        &e,
        17,
        12,
        "events[0].withdraw",
        "expected a fraction of market makers in [0, 1], got 1.2",
    );
}

#[test]
fn volatility_multiplier_of_one() {
    let regime = |m: &str| {
        with_event(&format!(
            "kind = \"volatility_regime\"\nat = \"12:00\"\nduration = \"30m\"\nmultiplier = {m}\n"
        ))
    };
    for m in ["1", "1.0", "0", "-2"] {
        let e = err(&regime(m));
        check(
            &e,
            17,
            14,
            "events[0].multiplier",
            "expected a positive multiplier other than 1 (1 would change nothing), at most 100, got ",
        );
    }
    parse(&regime("0.5"), Path::new(FILE)).unwrap();
}

#[test]
fn price_band_limits() {
    let e = err(&with_event(
        "kind = \"price_bands\"\nat = \"12:00\"\nband = 1\n",
    ));
    check(
        &e,
        16,
        8,
        "events[0].band",
        "expected a fraction in (0, 1), got 1",
    );
    let e = err(&with_event(
        "kind = \"price_bands\"\nat = \"12:00\"\nband = 0.1\npause = \"0s\"\n",
    ));
    check(
        &e,
        17,
        9,
        "events[0].pause",
        "expected a duration greater than zero",
    );
}

#[test]
fn empty_event_name() {
    let e = err(&with_event(
        "kind = \"halt\"\nname = \" \"\nat = \"12:00\"\nduration = \"1m\"\n",
    ));
    check(
        &e,
        15,
        8,
        "events[0].name",
        "expected a name of 1 to 64 characters without control characters, got \" \"",
    );
}

#[test]
fn close_before_open() {
    let e = err(&BASE.replace("close = \"16:00\"", "close = \"09:00\""));
    check(
        &e,
        7,
        9,
        "session.close",
        "expected a close time after the open (09:30:00), got \"09:00\"",
    );
}

#[test]
fn close_or_duration_exactly_once() {
    let both = err(&BASE.replace(
        "close = \"16:00\"",
        "close = \"16:00\"\nduration = \"6h30m\"",
    ));
    check(
        &both,
        8,
        12,
        "session.duration",
        "give either `close` or `duration`, not both",
    );
    let neither = err(&BASE.replace("close = \"16:00\"\n", ""));
    check(
        &neither,
        4,
        1,
        "session.close",
        "missing required key `close` (or `duration`)",
    );
}

#[test]
fn p_market_plus_p_cancel_above_one() {
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\np_market = 0.8\np_cancel = 0.3\n",
    ));
    check(
        &e,
        17,
        12,
        "agents[0].p_cancel",
        "expected p_market + p_cancel <= 1",
    );
    // With p_cancel defaulted (0.3) the only written value is the one to blame.
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\np_market = 0.75\n",
    ));
    check(
        &e,
        16,
        12,
        "agents[0].p_market",
        "expected p_market + p_cancel <= 1",
    );
    // Sums that are 1 up to rounding are fine.
    parse(
        &with("[[agents]]\ntype = \"noise\"\ncount = 3\np_market = 0.7\np_cancel = 0.3\n"),
        Path::new(FILE),
    )
    .unwrap();
}

#[test]
fn trader_dispersion_is_a_bounded_sigma() {
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nactivity_dispersion = 2.5\n",
    ));
    check(
        &e,
        16,
        23,
        "agents[0].activity_dispersion",
        "expected a sigma from 0 (identical traders) to 2, got 2.5",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nstyle_dispersion = -0.1\n",
    ));
    check(
        &e,
        16,
        20,
        "agents[0].style_dispersion",
        "expected a sigma from 0",
    );
    let s = parse(
        &with("[[agents]]\ntype = \"noise\"\ncount = 3\nsize_dispersion = 0.8\n"),
        Path::new(FILE),
    )
    .unwrap();
    let AgentParams::Noise(p) = &s.agents[0].params else {
        panic!("a noise group")
    };
    assert_eq!((p.dispersion.size, p.dispersion.activity), (0.8, 0.0));
}

#[test]
fn taking_runs_fast_providers_and_round_lots_name_their_bad_keys() {
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nmarket_run_tail = 0.5\n",
    ));
    check(
        &e,
        16,
        19,
        "agents[0].market_run_tail",
        "expected 0 (single market orders) or a tail exponent from 1 to 5, got 0.5",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\np_follow = 1.5\n",
    ));
    check(
        &e,
        16,
        12,
        "agents[0].p_follow",
        "expected a probability in [0, 1], got 1.5",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\ntouch_share = -0.1\n",
    ));
    check(
        &e,
        16,
        15,
        "agents[0].touch_share",
        "expected a probability in [0, 1], got -0.1",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\npatience = \"0s\"\n",
    ));
    check(
        &e,
        16,
        12,
        "agents[0].patience",
        "expected an interval of at least 1us",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"market_maker\"\ncount = 1\ntouch_size = 0\n",
    ));
    check(
        &e,
        16,
        14,
        "agents[0].touch_size",
        "expected an integer from 1 to 1000000000000, got 0",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"fast_provider\"\ncount = 3\nburst_continue = 1.0\n",
    ));
    check(
        &e,
        16,
        18,
        "agents[0].burst_continue",
        "expected a probability below 1 (a burst must end), got 1",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"fast_provider\"\ncount = 3\nburst_gap = \"0s\"\n",
    ));
    check(
        &e,
        16,
        13,
        "agents[0].burst_gap",
        "expected an interval of at least 1us",
    );
    let e = err(&BASE.replace(
        "tick_size = 0.01",
        "tick_size = 0.01\nlot_size = 30\nround_lot = 100",
    ));
    check(
        &e,
        13,
        13,
        "market.round_lot",
        "expected a multiple of lot_size (30 shares), got 100",
    );
    let s = parse(
        &BASE.replace(
            "tick_size = 0.01",
            "tick_size = 0.01\nlot_size = 30\nround_lot_share = 0.5",
        ),
        Path::new(FILE),
    )
    .unwrap();
    assert_eq!(
        (s.market.round_lots.size, s.market.round_lots.share),
        (120, 0.5)
    );
}

#[test]
fn fast_not_below_slow() {
    let e = err(&with(
        "[[agents]]\ntype = \"momentum\"\ncount = 3\nfast = \"10m\"\nslow = \"5m\"\n",
    ));
    check(
        &e,
        16,
        8,
        "agents[0].fast",
        "expected fast < slow (EMA half-lives), got fast = \"10m\" and slow = \"5m\"",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"momentum\"\ncount = 3\nslow = \"1m\"\n",
    ));
    check(
        &e,
        16,
        8,
        "agents[0].slow",
        "expected fast < slow (EMA half-lives), got fast = \"1m\" and slow = \"1m\"",
    );
}

#[test]
fn bad_duration_string() {
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nwake_interval = \"5 minutes\"\n",
    ));
    check(
        &e,
        16,
        17,
        "agents[0].wake_interval",
        "expected a duration like \"90s\"",
    );
    assert!(e.message.contains("got \"5 minutes\""), "{e}");
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nwake_interval = 60\n",
    ));
    check(
        &e,
        16,
        17,
        "agents[0].wake_interval",
        "expected a duration like \"90s\"",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"noise\"\ncount = 3\nwake_interval = \"0s\"\n",
    ));
    check(
        &e,
        16,
        17,
        "agents[0].wake_interval",
        "expected an interval of at least 1us",
    );
    let e = err(&with("[latency]\norder_entry = { base = \"1 ms\" }\n"));
    check(
        &e,
        14,
        24,
        "latency.order_entry.base",
        "expected a duration",
    );
}

#[test]
fn bad_clock_and_date_strings() {
    let e = err(&BASE.replace("open = \"09:30\"", "open = \"9:30\""));
    check(&e, 6, 8, "session.open", "expected a clock time");
    let e = err(&BASE.replace("2024-06-19", "2023-02-29"));
    check(
        &e,
        5,
        8,
        "session.date",
        "expected a date \"YYYY-MM-DD\", got \"2023-02-29\"",
    );
}

#[test]
fn missing_table_and_missing_key() {
    let e = err(&BASE.replace(
        "[market]\nsymbol = \"SIM\"\ntick_size = 0.01\ninitial_price = 100.0\n",
        "",
    ));
    check(&e, 1, 1, "market", "missing required table [market]");
    let e = err(&BASE.replace("symbol = \"SIM\"\n", ""));
    check(&e, 9, 1, "market.symbol", "missing required key `symbol`");
}

#[test]
fn defaulted_value_blames_what_was_written() {
    // The default fundamental step (1s) does not fit a 500ms session: the duration is at fault.
    let e = err(&BASE.replace("close = \"16:00\"", "duration = \"500ms\""));
    check(
        &e,
        7,
        12,
        "session.duration",
        "expected fundamental.step (1s) to be at most",
    );
}

#[test]
fn output_limits() {
    let e = err(&with("[output]\ndepth_levels = 0\n"));
    check(
        &e,
        14,
        16,
        "output.depth_levels",
        "expected an integer from 1 to 50, got 0",
    );
    let e = err(&with("[output]\ncompression = \"gzip\"\n"));
    check(
        &e,
        14,
        15,
        "output.compression",
        "unknown variant `gzip`, expected `zstd` or `none`",
    );
}

#[test]
fn scenario_name_must_be_a_folder_name() {
    let e = err(&BASE.replace("name = \"t\"", "name = \"my run\""));
    check(
        &e,
        2,
        8,
        "scenario.name",
        "expected a name of 1 to 64 letters, digits",
    );
}

#[test]
fn unreadable_file_has_no_position() {
    let e = load(Path::new("tests/fixtures/does-not-exist.toml")).unwrap_err();
    assert_eq!((e.line, e.column), (0, 0));
    assert!(
        e.to_string()
            .starts_with("tests/fixtures/does-not-exist.toml: cannot read"),
        "{e}"
    );
}

#[test]
fn native_toml_dates_and_times_are_accepted() {
    let text = BASE
        .replace("date = \"2024-06-19\"", "date = 2024-06-19")
        .replace("open = \"09:30\"", "open = 09:30:00");
    let s = parse(&text, Path::new(FILE)).unwrap();
    assert_eq!(s.session.open, Nanos::from_secs(9 * 3600 + 1800));
    let e = err(&BASE.replace("close = \"16:00\"", "duration = 06:30:00"));
    check(&e, 7, 12, "session.duration", "expected a duration");
}

/// Cutting the example anywhere must give either a scenario or a located error, never a panic.
#[test]
fn truncated_files_never_panic_and_are_always_located() {
    let text = std::fs::read_to_string("tests/fixtures/example.toml").unwrap();
    let mut errors = 0;
    for (cut, _) in text.char_indices() {
        if let Err(e) = parse(&text[..cut], Path::new(FILE)) {
            errors += 1;
            assert!(
                e.line >= 1 && e.column >= 1,
                "unlocated error at cut {cut}: {e}"
            );
        }
    }
    assert!(errors > 0);
}

#[test]
fn example_scenario_parses_to_expected_values() {
    let path = Path::new("tests/fixtures/example.toml");
    let s = load(path).unwrap();
    assert_eq!(s.name, "baseline");
    assert_eq!(s.seed, 42);
    assert!(s.description.starts_with("A calm day"));
    assert_eq!(s.source_path, path);
    assert_eq!(s.source_text, std::fs::read_to_string(path).unwrap());

    assert_eq!(s.session.date, (2024, 6, 19));
    assert_eq!(s.session.open, Nanos::from_secs(9 * 3600 + 1800));
    assert_eq!(s.session.length, Nanos::from_secs(6 * 3600 + 1800));
    assert_eq!(s.session.close(), Nanos::from_secs(16 * 3600));
    assert_eq!(s.session.utc_offset_secs, -4 * 3600);
    assert_eq!(s.session.start_epoch_ns(), 1_718_803_800_000_000_000);

    assert_eq!(s.market.symbol, "SIM");
    assert_eq!((s.market.tick_size, s.market.lot_size), (0.01, 1));
    assert_eq!(
        (s.market.initial_price, s.market.initial_price_ticks),
        (100.0, 10_000)
    );

    assert_eq!(s.fundamental.mean, 100.0);
    assert_eq!(s.fundamental.half_life, Nanos::from_secs(7200));
    assert_eq!(s.fundamental.jumps_per_day, 1.5);
    assert_eq!(s.fundamental.step, Nanos::from_secs(1));

    assert_eq!(s.latency.order_entry.base, Nanos::from_micros(100));
    assert_eq!(s.latency.market_data.jitter, Nanos::from_micros(20));
    assert_eq!(s.output.compression, Compression::Zstd(3));
    assert_eq!(
        (s.output.depth_levels, s.output.batch_rows, s.output.book),
        (10, 65_536, true)
    );

    let names: Vec<(&str, &str, u32)> = s
        .agents
        .iter()
        .map(|g| (g.name.as_str(), g.params.family(), g.count))
        .collect();
    assert_eq!(
        names,
        [
            ("dealers", "market_maker", 4),
            ("retail", "noise", 500),
            ("value", "value", 20),
            ("momentum", "momentum", 10),
            ("funds", "execution", 2),
            ("fast_provider", "fast_provider", 5),
        ]
    );
    assert_eq!(
        s.agents[5].params,
        AgentParams::FastProvider(marketsim::scenario::FastProviderParams::default())
    );

    // The dealers' override replaces only order_entry.base; the rest is the global latency.
    let dealers = &s.agents[0];
    assert_eq!(dealers.latency.order_entry.base, Nanos::from_micros(20));
    assert_eq!(dealers.latency.order_entry.jitter, Nanos::from_micros(50));
    assert_eq!(dealers.latency.market_data, s.latency.market_data);
    assert_eq!(s.agents[1].latency, s.latency);

    assert_eq!(
        dealers.params,
        AgentParams::MarketMaker(MarketMakerParams {
            touch_size: Some(100),
            ..MarketMakerParams::default()
        })
    );
    assert_eq!(
        s.agents[1].params,
        AgentParams::Noise(NoiseParams::default())
    );
    assert_eq!(
        s.agents[2].params,
        AgentParams::Value(ValueParams {
            threshold: 0.001,
            ..ValueParams::default()
        })
    );
    assert_eq!(
        s.agents[3].params,
        AgentParams::Momentum(MomentumParams::default())
    );
    assert_eq!(
        s.agents[4].params,
        AgentParams::Execution(ExecutionParams {
            metaorders_per_day: 3.0,
            duration_median: Nanos::from_secs(45 * 60),
            style: ExecStyle::Vwap,
            ..ExecutionParams::default()
        })
    );

    // Minutes after the 09:30 open.
    let min = |m: u64| Nanos::from_secs(60 * m);
    let events: Vec<(Nanos, &str, &EventKind)> = s
        .events
        .iter()
        .map(|e| (e.at, e.name.as_str(), &e.kind))
        .collect();
    assert_eq!(
        events,
        [
            (
                min(30),
                "latency_spike",
                &EventKind::LatencySpike {
                    duration: min(2),
                    multiplier: 20.0,
                    families: vec!["noise".into(), "value".into()],
                    order_entry: true,
                    market_data: false,
                }
            ),
            (
                min(60),
                "volatility_regime",
                &EventKind::VolatilityRegime {
                    duration: min(60),
                    multiplier: 2.5,
                }
            ),
            (
                min(90),
                "mistyped bid",
                &EventKind::FatFinger {
                    side: Side::Buy,
                    size: 50_000,
                    price_ticks: Some(10_150),
                }
            ),
            (
                min(150),
                "news",
                &EventKind::News {
                    jump: -0.02,
                    headline: "Earnings below guidance".into(),
                    delays: vec![
                        ("momentum".into(), min(2)),
                        ("value".into(), Nanos::from_secs(30)),
                    ],
                }
            ),
            (
                min(210),
                "liquidity_shock",
                &EventKind::LiquidityShock {
                    duration: min(15),
                    withdraw: 0.5,
                    spread_multiplier: 3.0,
                    depth_cut: 0.5,
                }
            ),
            (
                min(270),
                "flash_crash",
                &EventKind::FlashCrash {
                    duration: min(10),
                    size: 200_000,
                    participation: 0.3,
                    interval: Nanos::from_secs(1),
                    side: Side::Sell,
                    maker_withdrawal: Some(4.0),
                }
            ),
            (min(300), "halt", &EventKind::Halt { duration: min(5) }),
            (
                min(305),
                "price_bands",
                &EventKind::PriceBands {
                    duration: min(85),
                    band: 0.05,
                    reference_window: min(5),
                    pause: min(5),
                }
            ),
        ]
    );
    let bands = &s.events[7];
    assert_eq!(bands.end(), s.session.length, "bands default to the close");
    assert_eq!(
        s.events[2].params_json(s.market.tick_size),
        r#"{"side":"buy","size":50000,"price":101.5}"#
    );
}

#[test]
fn defaults_fill_a_minimal_scenario() {
    let s = parse(
        &with("[[agents]]\ntype = \"execution\"\ncount = 0\n"),
        Path::new(FILE),
    )
    .unwrap();
    assert_eq!((s.seed, s.description.as_str()), (1, ""));
    assert_eq!(s.session.utc_offset_secs, 0);
    assert_eq!(s.market.lot_size, 1);
    assert_eq!(s.fundamental.mean, s.market.initial_price);
    assert_eq!(s.agents[0].name, "execution");
    assert_eq!(s.agents[0].count, 0);
    assert_eq!(
        s.agents[0].params,
        AgentParams::Execution(ExecutionParams::default())
    );
}

#[test]
fn events_are_sorted_by_time() {
    let s = parse(
        &with("[[events]]\nkind = \"news\"\nat = \"15:00\"\njump = 0.01\n\n[[events]]\nkind = \"news\"\nat = \"10:00\"\njump = -0.01\n"),
        Path::new(FILE),
    )
    .unwrap();
    let at: Vec<Nanos> = s.events.iter().map(|e| e.at).collect();
    assert_eq!(
        at,
        [Nanos::from_secs(1800), Nanos::from_secs(5 * 3600 + 1800)]
    );
}

/// Single-character corruptions of the example: again never a panic, always a located error.
#[test]
fn corrupted_files_never_panic_and_are_always_located() {
    let text = std::fs::read_to_string("tests/fixtures/example.toml").unwrap();
    let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).step_by(11).collect();
    for cut in cuts {
        let ch_len = text[cut..].chars().next().map_or(0, char::len_utf8);
        for replacement in ["\"", "=", "[", "-", "9", "\n", "x", ""] {
            let mutated = format!("{}{replacement}{}", &text[..cut], &text[cut + ch_len..]);
            if let Err(e) = parse(&mutated, Path::new(FILE)) {
                assert!(e.line >= 1 && e.column >= 1, "unlocated: {e}\n{mutated}");
            }
        }
    }
}

#[test]
fn deeply_nested_input_does_not_overflow_the_stack() {
    let deep = format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000));
    let e = err(&deep);
    assert!(e.line >= 1, "{e}");
    let deep_tables = format!("x = {}1{}\n", "{ a = ".repeat(10_000), " }".repeat(10_000));
    assert!(err(&deep_tables).line >= 1);
}

#[test]
fn session_activity_profiles() {
    let at = |v: &str| {
        BASE.replace(
            "close = \"16:00\"",
            &format!("close = \"16:00\"\nactivity = {v}"),
        )
    };
    let s = parse(&at("\"u_shape\""), Path::new(FILE)).unwrap();
    assert!(s.session.activity.len() > 10);
    let s = parse(&at("[2, 1, 1.5]"), Path::new(FILE)).unwrap();
    assert_eq!(s.session.activity, vec![2.0, 1.0, 1.5]);
    assert!(
        parse(BASE, Path::new(FILE))
            .unwrap()
            .session
            .activity
            .is_empty(),
        "flat by default"
    );

    let e = err(&at("\"w_shape\""));
    check(
        &e,
        8,
        12,
        "session.activity",
        "unknown activity profile \"w_shape\", expected one of \"flat\", \"u_shape\" or a list of rate multipliers",
    );
    let e = err(&at("[1, -2]"));
    check(
        &e,
        8,
        12,
        "session.activity",
        "expected rate multipliers from 0 to 1000000, got -2",
    );
    let e = err(&at("[0, 0]"));
    check(
        &e,
        8,
        12,
        "session.activity",
        "expected at least one rate multiplier > 0",
    );
    let e = err(&at("[]"));
    check(
        &e,
        8,
        12,
        "session.activity",
        "expected 1 to 10000 rate multipliers, got 0",
    );
    let e = err(&at("3"));
    check(
        &e,
        8,
        12,
        "session.activity",
        "expected a profile name (\"flat\" or \"u_shape\") or a list of rate multipliers, got integer `3`",
    );
}

#[test]
fn maker_fading_and_participation_limits() {
    let maker = |extra: &str| {
        with(&format!(
            "[[agents]]\ntype = \"market_maker\"\ncount = 1\n{extra}\n"
        ))
    };
    let e = err(&maker("fade_ticks = -1"));
    check(
        &e,
        16,
        14,
        "agents[0].fade_ticks",
        "expected an integer from 0 to 100, got -1",
    );
    let e = err(&maker("fade_imbalance = 0"));
    check(
        &e,
        16,
        18,
        "agents[0].fade_imbalance",
        "expected an imbalance in (0, 1] (1 never fades on imbalance), got 0",
    );
    let e = err(&maker("fade_time = \"0s\""));
    check(
        &e,
        16,
        13,
        "agents[0].fade_time",
        "expected a duration greater than zero",
    );
    let e = err(&with(
        "[[agents]]\ntype = \"execution\"\ncount = 1\nmax_participation = 1.5\n",
    ));
    check(
        &e,
        16,
        21,
        "agents[0].max_participation",
        "expected a share of market volume in (0, 1] (1: no cap), got 1.5",
    );
}

#[test]
fn abuse_entries_are_checked() {
    let e = err(&with("[[abuse]]\ntypology = \"spoof\"\nepisodes = 2\n"));
    check(
        &e,
        14,
        12,
        "abuse[0].typology",
        "unknown typology \"spoof\", expected one of \"spoofing\", \"layering\"",
    );
    let e = err(&with("[[abuse]]\ntypology = \"spoofing\"\n"));
    check(&e, 13, 1, "abuse[0].episodes", "missing: give `episodes`");
    let e = err(&with(
        "[[abuse]]\ntypology = \"spoofing\"\nepisodes = 2\nprevalence = 0.01\n",
    ));
    check(
        &e,
        16,
        14,
        "abuse[0].prevalence",
        "expected either `episodes` or `prevalence`",
    );
    let e = err(&with(
        "[[abuse]]\ntypology = \"layering\"\nprevalence = 0.9\n",
    ));
    check(
        &e,
        15,
        14,
        "abuse[0].prevalence",
        "expected a fraction of new orders in (0, 0.5]",
    );
    let e = err(&with(
        "[[abuse]]\ntypology = \"wash_trading\"\nepisodes = 1\ndifficulty = 2\n",
    ));
    check(
        &e,
        16,
        14,
        "abuse[0].difficulty",
        "expected a probability in [0, 1]",
    );
    let e = err(&with(
        "[[abuse]]\ntypology = \"insider_trading\"\nepisodes = 1\n",
    ));
    check(
        &e,
        15,
        12,
        "abuse[0].typology",
        "insider_trading trades ahead of announcements",
    );
    let e = err(&with(
        "[[abuse]]\ntypology = \"marking_the_close\"\nepisodes = 2\n",
    ));
    check(
        &e,
        15,
        12,
        "abuse[0].episodes",
        "expected at most 1 episodes",
    );
    let e = err(&with(
        "[[abuse]]\ntypology = \"spoofing\"\nepisodes = 1\nsize = 3\n",
    ));
    check(&e, 16, 1, "abuse[0].size", "unknown key `size`");
}

#[test]
fn labels_table_is_checked() {
    let e = err(&with("[labels]\nflip_fraction = -0.1\n"));
    check(
        &e,
        14,
        17,
        "labels.flip_fraction",
        "expected a probability in [0, 1]",
    );
    let e = err(&with("[labels]\nsplit = [0.5, 0.5, 0.5]\n"));
    check(
        &e,
        14,
        9,
        "labels.split",
        "expected three non-negative fractions summing to 1",
    );
    let e = err(&with("[labels]\nnoise = 1\n"));
    check(&e, 14, 1, "labels.noise", "unknown key `noise`");
    let e = err(&with("[labels]\nlookalike_share = 0.95\n"));
    check(
        &e,
        14,
        19,
        "labels.lookalike_share",
        "expected the look-alikes' share of the honest accounts, from 0 to 0.9, got 0.95",
    );
    let e = err(&with("[labels]\nlookalikes = 5\nlookalike_share = 0.2\n"));
    check(
        &e,
        15,
        19,
        "labels.lookalike_share",
        "give either `lookalikes`",
    );
    let ok = parse(&with("[labels]\nlookalike_share = 0.2\n"), Path::new(FILE)).unwrap();
    assert_eq!(ok.labels.lookalike_share, Some(0.2));
}
