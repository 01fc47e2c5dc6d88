//! Python strategies behind the library's `Agent` contract.
//!
//! Each Python agent is wrapped in a [`PyAgent`]; at every callback it takes the GIL (the run
//! itself holds none), points its [`Ctx`] at the engine's `AgentCtx` for the length of the call,
//! and calls the Python method. The `Ctx` is only valid inside the callback: used after, it
//! raises. An exception ends the run through `AgentCtx::fail`, naming the agent; the exception
//! itself is kept so the package can chain it to the `AgentError` it raises.

use std::cell::RefCell;

use marketsim::agents::custom::{Spec, intern};
use marketsim::agents::{Agent, AgentCtx, DoneReason, OpenOrders, Report as RustReport};
use marketsim::fraud::{EpisodeId, Label, Push, Typology};
use marketsim::types::{Nanos, OrderId, OrderKind, Price, Qty, Side};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rand::Rng;

thread_local! {
    /// The exception that stopped the current run, for chaining (runs are single-threaded when
    /// Python agents take part).
    static EXCEPTION: RefCell<Option<PyErr>> = const { RefCell::new(None) };
}

pub fn take_exception() -> Option<PyErr> {
    EXCEPTION.with(|e| e.borrow_mut().take())
}

pub fn clear_exception() {
    EXCEPTION.with(|e| e.borrow_mut().take());
}

/// The strategy's view of the market during one callback. Prices are in ticks (integers; see
/// `tick_size`), times in seconds since the open unless the name ends in `_ns`.
#[pyclass(module = "marketsim._native", unsendable)]
pub struct Ctx {
    ptr: *mut AgentCtx<'static>,
    orders: OpenOrders,
}

impl Ctx {
    fn ctx(&mut self) -> PyResult<&mut AgentCtx<'static>> {
        // SAFETY: `ptr` is set only for the duration of a callback, during which the engine's
        // AgentCtx outlives this call and is not otherwise touched; it is null at all other times.
        unsafe { self.ptr.as_mut() }.ok_or_else(|| {
            PyRuntimeError::new_err("a Ctx is only valid inside the callback it was passed to")
        })
    }
}

fn side(text: &str) -> PyResult<Side> {
    match text {
        "buy" | "BUY" | "b" => Ok(Side::Buy),
        "sell" | "SELL" | "s" => Ok(Side::Sell),
        _ => Err(PyValueError::new_err(format!(
            "side must be \"buy\" or \"sell\", got {text:?}"
        ))),
    }
}

fn side_name(s: Side) -> &'static str {
    match s {
        Side::Buy => "buy",
        Side::Sell => "sell",
    }
}

fn kind(text: &str, price: Option<i64>) -> PyResult<(OrderKind, Price)> {
    let kind = match text {
        "limit" => OrderKind::Limit,
        "market" => OrderKind::Market,
        "ioc" => OrderKind::Ioc,
        "fok" => OrderKind::Fok,
        _ => {
            return Err(PyValueError::new_err(format!(
                "kind must be one of \"limit\", \"market\", \"ioc\", \"fok\", got {text:?}"
            )));
        }
    };
    match (kind, price) {
        (OrderKind::Market, _) => Ok((kind, Price(0))),
        (_, Some(p)) if p > 0 => Ok((kind, Price(p))),
        (_, Some(p)) => Err(PyValueError::new_err(format!(
            "a {text} order needs a positive price in ticks, got {p}"
        ))),
        (_, None) => Err(PyValueError::new_err(format!(
            "a {text} order needs a price (in ticks); leave price out only for market orders"
        ))),
    }
}

/// An order's arguments as Python gives them: a kind defaults to limit when a price is given,
/// market otherwise.
fn order_args(
    side: &str,
    quantity: i64,
    price: Option<i64>,
    kind: Option<&str>,
) -> PyResult<(Side, OrderKind, Price, Qty)> {
    let s = self::side(side)?;
    let default = if price.is_some() { "limit" } else { "market" };
    let (k, p) = self::kind(kind.unwrap_or(default), price)?;
    Ok((s, k, p, self::quantity(quantity)?))
}

fn quantity(q: i64) -> PyResult<Qty> {
    if q <= 0 {
        return Err(PyValueError::new_err(format!(
            "quantity must be a positive number of shares, got {q}"
        )));
    }
    Ok(Qty(q as u64))
}

fn nanos(seconds: f64) -> PyResult<Nanos> {
    if !(seconds.is_finite() && seconds >= 0.0) {
        return Err(PyValueError::new_err(format!(
            "expected a non-negative number of seconds, got {seconds}"
        )));
    }
    Ok(Nanos::from_secs_f64(seconds))
}

/// The top of book as it reached the agent (delayed by its market-data link).
#[pyclass(module = "marketsim._native", frozen, get_all)]
pub struct Quote {
    /// Seconds since the open when the quote was current.
    pub time: f64,
    pub bid: Option<i64>,
    pub bid_size: u64,
    pub ask: Option<i64>,
    pub ask_size: u64,
    pub last: Option<i64>,
    /// Shares traded since the open.
    pub volume: u64,
    pub halted: bool,
}

#[pymethods]
impl Quote {
    /// The mid in ticks (fractional for an odd spread), `None` unless both sides are there.
    #[getter]
    fn mid(&self) -> Option<f64> {
        Some((self.bid? + self.ask?) as f64 / 2.0)
    }

    fn __repr__(&self) -> String {
        format!(
            "Quote(time={:.6}, bid={:?}x{}, ask={:?}x{}, last={:?}, halted={})",
            self.time, self.bid, self.bid_size, self.ask, self.ask_size, self.last, self.halted
        )
    }
}

#[pymethods]
impl Ctx {
    /// Seconds since the open.
    #[getter]
    fn now(&mut self) -> PyResult<f64> {
        Ok(self.ctx()?.now.0 as f64 / 1e9)
    }

    #[getter]
    fn now_ns(&mut self) -> PyResult<u64> {
        Ok(self.ctx()?.now.0)
    }

    #[getter]
    fn tick_size(&mut self) -> PyResult<f64> {
        Ok(self.ctx()?.market.tick_size)
    }

    #[getter]
    fn lot_size(&mut self) -> PyResult<u64> {
        Ok(self.ctx()?.market.lot_size)
    }

    /// Length of the session in seconds.
    #[getter]
    fn session_length(&mut self) -> PyResult<f64> {
        Ok(self.ctx()?.market.session_length.0 as f64 / 1e9)
    }

    /// The agent's own account id (as in the output tables).
    #[getter]
    fn account(&mut self) -> PyResult<u64> {
        Ok(self.ctx()?.accounts()[0].0)
    }

    /// Net position in shares, from the agent's own fills.
    #[getter]
    fn position(&self) -> i64 {
        self.orders.position()
    }

    /// Cash from the agent's own fills, in currency (negative after buying).
    #[getter]
    fn cash(&mut self) -> PyResult<f64> {
        let tick = self.ctx()?.market.tick_size;
        Ok(self.orders.cash_ticks() as f64 * tick)
    }

    /// The delayed top of book.
    #[getter]
    fn quote(&mut self) -> PyResult<Quote> {
        let q = self.ctx()?.quote;
        Ok(Quote {
            time: q.time.0 as f64 / 1e9,
            bid: q.bid.map(|(p, _)| p.0),
            bid_size: q.bid.map_or(0, |(_, s)| s.0),
            ask: q.ask.map(|(p, _)| p.0),
            ask_size: q.ask.map_or(0, |(_, s)| s.0),
            last: q.last_trade.map(|p| p.0),
            volume: q.volume,
            halted: q.halted,
        })
    }

    /// Up to `levels` levels of one side, best first, as (price in ticks, shares) — the book as
    /// it stands now (depth has no delayed history).
    #[pyo3(signature = (side, levels=5))]
    fn depth(&mut self, side: &str, levels: usize) -> PyResult<Vec<(i64, u64)>> {
        let s = self::side(side)?;
        let mut out = Vec::with_capacity(levels);
        self.ctx()?.depth(s, levels, &mut out);
        Ok(out.into_iter().map(|(p, q)| (p.0, q.0)).collect())
    }

    /// Sends an order; returns its id. `price` in ticks, left out for a market order.
    #[pyo3(signature = (side, quantity, price=None, kind=None))]
    fn submit(
        &mut self,
        side: &str,
        quantity: i64,
        price: Option<i64>,
        kind: Option<&str>,
    ) -> PyResult<u64> {
        let (s, k, p, q) = order_args(side, quantity, price, kind)?;
        let ctx = self.ctx()? as *mut AgentCtx<'static>;
        // SAFETY: the same pointer `ctx()` checked; `orders` is a separate field.
        Ok(self.orders.submit(unsafe { &mut *ctx }, s, k, p, q).0)
    }

    /// A buy: limit at `price` (ticks), market when `price` is left out.
    #[pyo3(signature = (quantity, price=None, kind=None))]
    fn buy(&mut self, quantity: i64, price: Option<i64>, kind: Option<&str>) -> PyResult<u64> {
        self.submit("buy", quantity, price, kind)
    }

    #[pyo3(signature = (quantity, price=None, kind=None))]
    fn sell(&mut self, quantity: i64, price: Option<i64>, kind: Option<&str>) -> PyResult<u64> {
        self.submit("sell", quantity, price, kind)
    }

    /// Cancels a live order; False if it is not (or no longer) live.
    fn cancel(&mut self, order_id: u64) -> PyResult<bool> {
        let ctx = self.ctx()? as *mut AgentCtx<'static>;
        let mut found = false;
        self.orders.cancel_where(
            |o| o.id == OrderId(order_id),
            |o| {
                found = true;
                // SAFETY: see `submit`.
                unsafe { &mut *ctx }.cancel(o)
            },
        );
        Ok(found)
    }

    /// Cancels every live order; returns how many.
    fn cancel_all(&mut self) -> PyResult<usize> {
        let ctx = self.ctx()? as *mut AgentCtx<'static>;
        let mut n = 0;
        // SAFETY: see `submit`.
        self.orders.cancel_where(
            |_| true,
            |o| {
                n += 1;
                unsafe { &mut *ctx }.cancel(o)
            },
        );
        Ok(n)
    }

    /// Moves a live order to `price` (ticks) with `quantity` remaining; False if it is not live.
    fn modify(&mut self, order_id: u64, price: i64, quantity: i64) -> PyResult<bool> {
        let q = self::quantity(quantity)?;
        if price <= 0 {
            return Err(PyValueError::new_err(format!(
                "price must be positive ticks, got {price}"
            )));
        }
        let ctx = self.ctx()? as *mut AgentCtx<'static>;
        for o in self.orders.live_mut() {
            if o.id == OrderId(order_id) {
                // SAFETY: see `submit`.
                unsafe { &mut *ctx }.modify(o, Price(price), q);
                o.price = Price(price);
                o.remaining = q;
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// The agent's live orders: (id, side, price in ticks, remaining shares).
    fn open_orders(&self) -> Vec<(u64, &'static str, i64, u64)> {
        self.orders
            .live()
            .map(|o| (o.id.0, side_name(o.side), o.price.0, o.remaining.0))
            .collect()
    }

    /// Wakes the agent at `seconds` after the open (replacing an earlier request of this call).
    fn wake_at(&mut self, seconds: f64) -> PyResult<()> {
        let t = nanos(seconds)?;
        self.ctx()?.wake_at(t);
        Ok(())
    }

    fn wake_after(&mut self, seconds: f64) -> PyResult<()> {
        let dt = nanos(seconds)?;
        self.ctx()?.wake_after(dt);
        Ok(())
    }

    /// Opens a labeled manipulation episode now; returns its id. `typology` is one of the
    /// library's typology names or a new one of the user's (lowercase letters, digits and '_'),
    /// which the label tables and the manifest then report like the library's; `push` "up",
    /// "down" or "none".
    #[pyo3(signature = (typology, push="none", difficulty=0.5, params=""))]
    fn begin_episode(
        &mut self,
        typology: &str,
        push: &str,
        difficulty: f64,
        params: &str,
    ) -> PyResult<u32> {
        let t = Typology::custom(typology).map_err(|e| {
            PyValueError::new_err(format!(
                "{e}; the library's are {}",
                Typology::NAMES.join(", ")
            ))
        })?;
        let p = match push {
            "up" => Push::Up,
            "down" => Push::Down,
            "none" => Push::None,
            _ => {
                return Err(PyValueError::new_err(
                    "push must be \"up\", \"down\" or \"none\"",
                ));
            }
        };
        if !(0.0..=1.0).contains(&difficulty) {
            return Err(PyValueError::new_err("difficulty must be in [0, 1]"));
        }
        Ok(self
            .ctx()?
            .begin_episode(t, p, difficulty, params.to_owned())
            .0)
    }

    fn phase(&mut self, episode: u32, name: &str) -> PyResult<()> {
        self.ctx()?.phase(EpisodeId(episode), intern(name));
        Ok(())
    }

    fn end_episode(&mut self, episode: u32) -> PyResult<()> {
        self.ctx()?.end_episode(EpisodeId(episode));
        Ok(())
    }

    /// An order labeled as part of `episode`, with its `role` (and `phase`): every event and
    /// trade of the order carries the label in `labels/`.
    #[pyo3(signature = (episode, role, side, quantity, price=None, kind=None, phase=""))]
    #[allow(clippy::too_many_arguments)]
    fn submit_labeled(
        &mut self,
        episode: u32,
        role: &str,
        side: &str,
        quantity: i64,
        price: Option<i64>,
        kind: Option<&str>,
        phase: &str,
    ) -> PyResult<u64> {
        let (s, k, p, q) = order_args(side, quantity, price, kind)?;
        let label = Label {
            episode: EpisodeId(episode),
            role: intern(role),
            phase: intern(phase),
        };
        let ctx = self.ctx()? as *mut AgentCtx<'static>;
        // SAFETY: see `submit`.
        Ok(self
            .orders
            .submit_labeled(unsafe { &mut *ctx }, 0, label, s, k, p, q)
            .0)
    }
}

/// One of the agent's own order reports.
#[pyclass(module = "marketsim._native", frozen, get_all)]
pub struct Report {
    /// "fill", "done" (cancelled or expired) or "rejected".
    pub kind: &'static str,
    pub order_id: u64,
    pub side: &'static str,
    /// Fill price in ticks (fills only).
    pub price: Option<i64>,
    /// Shares filled (fill), or left when the order ended (done).
    pub quantity: u64,
    /// Shares still resting after a fill.
    pub remaining: u64,
    /// Why an order ended or was refused.
    pub reason: &'static str,
}

#[pymethods]
impl Report {
    fn __repr__(&self) -> String {
        format!(
            "Report(kind={:?}, order_id={}, side={:?}, price={:?}, quantity={}, remaining={}, reason={:?})",
            self.kind,
            self.order_id,
            self.side,
            self.price,
            self.quantity,
            self.remaining,
            self.reason
        )
    }
}

fn report(r: &RustReport) -> Report {
    match *r {
        RustReport::Filled {
            id,
            side,
            price,
            qty,
            remaining,
        } => Report {
            kind: "fill",
            order_id: id.0,
            side: side_name(side),
            price: Some(price.0),
            quantity: qty.0,
            remaining: remaining.0,
            reason: "",
        },
        RustReport::Done {
            id,
            side,
            qty,
            reason,
        } => Report {
            kind: "done",
            order_id: id.0,
            side: side_name(side),
            price: None,
            quantity: qty.0,
            remaining: 0,
            reason: match reason {
                DoneReason::Cancelled => "cancelled",
                DoneReason::Expired => "expired",
            },
        },
        RustReport::Rejected {
            id, side, reason, ..
        } => Report {
            kind: "rejected",
            order_id: id.0,
            side: side_name(side),
            price: None,
            quantity: 0,
            remaining: 0,
            reason,
        },
    }
}

/// A Python strategy as a library agent.
pub struct PyAgent {
    ctx: Py<Ctx>,
    /// The bound callbacks, looked up once; `None` where the class keeps `marketsim.Agent`'s
    /// do-nothing default, so the run need not cross into Python for it.
    methods: [Option<Py<PyAny>>; 4],
    /// "group (module:Class)", for error messages.
    label: String,
    reads_news: bool,
    position: i64,
}

enum Call<'r> {
    Start,
    Wake,
    Report(&'r RustReport),
    News,
}

impl PyAgent {
    /// Builds the agent from its scenario spec: `class` is "module:Class" or, for instances
    /// passed to `run(agents=...)`, a key into `instances`.
    pub fn from_spec(
        py: Python<'_>,
        spec: Spec<'_>,
        instance: Option<Py<PyAny>>,
    ) -> Result<PyAgent, String> {
        let describe = |e: PyErr| format!("{}", e);
        let object = match instance {
            Some(o) => o,
            None => {
                let (module, name) = spec
                    .class
                    .split_once(':')
                    .ok_or_else(|| format!("class {:?} is not \"module:Class\"", spec.class))?;
                let class = py
                    .import(module)
                    .and_then(|m| m.getattr(name))
                    .map_err(|e| format!("cannot import {}: {}", spec.class, describe(e)))?;
                let kwargs = PyDict::new(py);
                let params = crate::runs::json_to_py(py, spec.params).map_err(describe)?;
                if let Ok(d) = params.cast::<PyDict>() {
                    kwargs.update(d.as_mapping()).map_err(describe)?;
                }
                class
                    .call((), Some(&kwargs))
                    .map_err(|e| format!("{}(**params) raised {}", spec.class, describe(e)))?
                    .unbind()
            }
        };
        let bound = object.bind(py);
        let base = py
            .import("marketsim.agent")
            .and_then(|m| m.getattr("Agent"))
            .map_err(describe)?;
        if !bound.is_instance(&base).map_err(describe)? {
            return Err(format!(
                "{} is not a subclass of marketsim.Agent",
                bound
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ));
        }
        let mut rng = spec.rng;
        let seed = rng.next_u64();
        let random = py
            .import("random")
            .and_then(|m| m.getattr("Random"))
            .and_then(|r| r.call1((seed,)))
            .map_err(describe)?;
        bound.setattr("rng", random).map_err(describe)?;
        bound.setattr("name", spec.group).map_err(describe)?;
        let reads_news = bound
            .getattr("reads_news")
            .and_then(|v| v.is_truthy())
            .unwrap_or(false);
        let mut methods: [Option<Py<PyAny>>; 4] = [None, None, None, None];
        for (slot, name) in ["start", "on_wake", "on_report", "on_news"]
            .into_iter()
            .enumerate()
        {
            let mine = bound.get_type().getattr(name).map_err(describe)?;
            let default = base.getattr(name).map_err(describe)?;
            if !mine.is(&default) {
                methods[slot] = Some(bound.getattr(name).map_err(describe)?.unbind());
            }
        }
        let class = bound
            .get_type()
            .fully_qualified_name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| spec.class.to_owned());
        Ok(PyAgent {
            ctx: Py::new(
                py,
                Ctx {
                    ptr: std::ptr::null_mut(),
                    orders: OpenOrders::default(),
                },
            )
            .map_err(describe)?,
            methods,
            label: format!("{} ({class})", spec.group),
            reads_news,
            position: 0,
        })
    }

    fn call(&mut self, call: Call<'_>, ctx: &mut AgentCtx) {
        if marketsim::interrupt::requested() {
            ctx.fail("interrupted".into());
            return;
        }
        let slot = match call {
            Call::Start => 0,
            Call::Wake => 1,
            Call::Report(_) => 2,
            Call::News => 3,
        };
        let failure = Python::attach(|py| -> Option<String> {
            let pyctx = self.ctx.bind(py);
            let method = {
                let mut c = pyctx.borrow_mut();
                if let Call::Report(r) = call {
                    c.orders.apply(r);
                    self.position = c.orders.position();
                }
                let method = self.methods[slot].as_ref()?.bind(py);
                c.ptr = (ctx as *mut AgentCtx<'_>).cast::<AgentCtx<'static>>();
                method
            };
            let result = match call {
                Call::Report(r) => Py::new(py, report(r)).and_then(|r| method.call1((r, pyctx))),
                _ => method.call1((pyctx,)),
            };
            pyctx.borrow_mut().ptr = std::ptr::null_mut();
            let err = result.err()?;
            if err.is_instance_of::<pyo3::exceptions::PyKeyboardInterrupt>(py) {
                marketsim::interrupt::request();
            }
            let name = err
                .get_type(py)
                .name()
                .map(|n| n.to_string())
                .unwrap_or_else(|_| "exception".into());
            let method = ["start", "on_wake", "on_report", "on_news"][slot];
            let message = format!(
                "{} raised {name} in {method}: {}",
                self.label,
                err.value(py)
            );
            EXCEPTION.with(|e| {
                e.borrow_mut().get_or_insert(err);
            });
            Some(message)
        });
        if let Some(message) = failure {
            ctx.fail(message);
        }
    }
}

impl Agent for PyAgent {
    fn family(&self) -> &'static str {
        "python"
    }
    fn start(&mut self, ctx: &mut AgentCtx) {
        self.call(Call::Start, ctx);
    }
    fn on_wake(&mut self, ctx: &mut AgentCtx) {
        self.call(Call::Wake, ctx);
    }
    fn on_report(&mut self, report: &RustReport, ctx: &mut AgentCtx) {
        self.call(Call::Report(report), ctx);
    }
    fn on_news(&mut self, ctx: &mut AgentCtx) {
        self.call(Call::News, ctx);
    }
    fn reads_news(&self) -> bool {
        self.reads_news
    }
    fn position(&self) -> i64 {
        self.position
    }
}
