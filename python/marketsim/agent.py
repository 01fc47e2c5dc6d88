"""Your own strategy inside the simulation.

Subclass :class:`Agent` and override the callbacks you need::

    class Twap(marketsim.Agent):
        def __init__(self, quantity=1000, slices=10, every=30.0):
            super().__init__()
            self.left, self.slice, self.every = quantity, quantity // slices, every

        def start(self, ctx):
            ctx.wake_after(self.every)

        def on_wake(self, ctx):
            if self.left > 0:
                q = min(self.slice, self.left)
                ctx.sell(q)                # market order; ctx.sell(q, price=ticks) for a limit
                self.left -= q
                ctx.wake_after(self.every)

Put it in a scenario (``[[agents]] type = "python", class = "mymodule:Twap", params = {...}``;
``params`` become the constructor's keyword arguments) or pass an instance to
``marketsim.run(..., agents=[Twap(quantity=5000)])``.

The agent lives by the same rules as the library's own: it gets its own account (its orders,
trades and position are in the run's tables under ``ctx.account``), every request crosses its
order-entry latency link, and ``ctx.quote`` is the top of book delayed by its market-data link.
Prices are integer ticks (``ctx.tick_size`` converts); times are seconds since the open.
``self.rng`` is a ``random.Random`` seeded from the agent's own stream of the run's seed: draw
all randomness from it and the run is reproducible. ``self.name`` is the agent's group name.

Callbacks get a ``ctx`` valid only during the call: ``now``, ``quote``, ``depth(side, levels)``,
``position``, ``cash``, ``account``, ``submit/buy/sell`` (return order ids), ``cancel``,
``cancel_all``, ``modify``, ``open_orders()``, ``wake_at/wake_after``, and for labeled abuse
``begin_episode(typology, push)``, ``phase``, ``submit_labeled(episode, role, side, qty, ...)``,
``end_episode``. An exception stops the run with :class:`marketsim.AgentError`, naming the
agent and the simulated time; nothing is published.
"""


class Agent:
    """Base class of Python strategies; every callback defaults to doing nothing."""

    #: Set to True to receive news announcements in :meth:`on_news`.
    reads_news = False
    #: The agent's group name in the run (set by the simulator; a class attribute or an instance
    #: attribute set before the run names the group for ``run(agents=[...])``).
    name = None

    def __init__(self, **params):
        self.params = dict(params)
        self.rng = None

    def start(self, ctx):
        """Called once at the open: typically schedules the first wake-up."""

    def on_wake(self, ctx):
        """Called at the time asked for with ``ctx.wake_at`` / ``ctx.wake_after``."""

    def on_report(self, report, ctx):
        """One of the agent's own order reports: ``report.kind`` is "fill", "done" or
        "rejected"; ``order_id``, ``side``, ``price`` (ticks, fills), ``quantity``,
        ``remaining``, ``reason``."""

    def on_news(self, ctx):
        """A news announcement reached the agent (only when ``reads_news`` is true). Must not
        schedule a wake-up."""
