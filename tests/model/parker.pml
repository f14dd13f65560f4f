/*
 * parker.pml: a SPIN model of the Parker / Unparker / SharedDriver state
 * machine with the condvar path as an eventcount on a futex word, as
 * written in commit 2171ba2 (unchanged up to HEAD 5bc8651), in
 *   lib/park/parker/parker.cc         ParkImpl, ConsumeNotification,
 *                                     TurnDriver, ParkOnCondvar,
 *                                     ParkerCore::Unpark
 *   lib/park/parker/parker_core.h     ParkerCore::WakeSleeper, wake_seq
 *   lib/park/parker/shared_driver.h   TryLockDriver, driver_locked,
 *                                     condvar_sleepers_
 *   lib/park/parker/shared_driver.cc  SharedDriver::ReleaseDriver,
 *                                     HandOffIfIdle, Shutdown
 *   lib/park/driver/driver.cc         Driver::Park, Dispatch, Unpark
 *   lib/park/sys/futex.cc             FutexWait / FutexWake
 *   lib/park/sys/event_fd.cc          EventFd::Signal / Drain
 * Contract: lib/park/parker/parker.h (state x operation table, "Driver
 * hand-off", the eventcount); design: docs/parker.md "The driver
 * hand-off".
 *
 * Run: tests/model/check_model.sh tests/model/parker.pml pass
 * check_model.sh runs one safety search and one non-progress search per
 * "@check" line below (the flags go to spin -a):
 * @check -DSCENARIO_UNPARK
 * @check -DSCENARIO_SHUTDOWN
 * @check -DSCENARIO_HANDOFF
 *
 * THREADS
 *   Parker(0), Parker(1)  two workers sharing the driver try-lock. Each runs
 *                         a worker loop: take a token if there is one, else
 *                         Park().
 *   Unparker              gives parker i QUOTA(i) tokens, in every order;
 *                         each token is "publish the work, then Unpark()".
 *   ShutdownThread        calls SharedDriver::Shutdown() once.
 *   SCENARIO_UNPARK:   no shutdown; tokens 2 + 2; a parker leaves after its
 *                      last token. Properties (a), (b).
 *   SCENARIO_SHUTDOWN: Shutdown at any moment, concurrent with 1 + 0
 *                      tokens; a parker leaves ONLY when a park returns
 *                      kShutdown, so Shutdown alone must wake everybody.
 *                      Properties (b), (c).
 *   SCENARIO_HANDOFF:  no tokens, no Unparker. A parker leaves when a park
 *                      returns kShutdown, or kDriverEvent: the one driver
 *                      event's taker leaves the driver for good (it runs
 *                      the handler's task forever). Shutdown waits for the
 *                      hand-off, then wakes everybody so the run ends.
 *                      Properties (b), (d).
 *   Each park is Park() or (at most TIMEOUTS times per run) ParkFor(d),
 *   whose deadline may pass at any moment. At most DRIVER_EVENTS driver
 *   turns end with a timer/I/O event; at most SPURIOUS futex waits wake
 *   spuriously (EINTR). These budgets keep the state graph finite; their
 *   defaults per scenario (TIMEOUTS / DRIVER_EVENTS / SPURIOUS) are UNPARK
 *   1/1/0, SHUTDOWN 1/1/0, HANDOFF 3/1/3 (see COST).
 *
 * GRANULARITY
 *   One Promela step (an atomic block; no intermediate states are stored or
 *   interleaved) = one C++ atomic operation or one syscall (FutexWait's
 *   compare-and-queue, FutexWake, epoll_wait, an eventfd read or write),
 *   labelled or (unpark side) inlined under the name of the C++ function
 *   and step, with a comment citing it. Thread-local work (counters, the
 *   result variable, comparisons, Passed()) is folded into the neighbouring
 *   step; so is in_turn_ (touched by the driver holder only), and so are
 *   the loads in front of TryLockDriver's CAS (argued there). Dead locals
 *   are reset to keep the state space small. The one mutex left is
 *   parkers_mu_ (HandOffIfIdle, Shutdown; nothing blocks while holding it,
 *   and Attach/Detach do not run concurrently in this model). Its release
 *   is folded by Lipton's reduction: a release is a left mover (it
 *   commutes with every earlier step of other threads), so "a shared step;
 *   then Unlock" is one step (HandOffIfIdle_load_state at the end of the
 *   scan, HandOffIfIdle_futex_wake). This keeps every reachable terminal
 *   state, assertion and cycle. Its acquire stays a step of its own, as
 *   does Shutdown's release. Goto from inside an atomic block to a label
 *   that starts one ends the step (the target is a new step: checked with
 *   spin 6.5.2).
 *
 *   MEMORY MODEL: SPIN interleaves, i.e. sequential consistency. The code
 *   uses seq_cst for the state word, wake_seq (the owner's load,
 *   WakeSleeper's fetch_add), shut_down_, wake_pending_, condvar_sleepers_,
 *   driver_locked() and ReleaseDriver's store of driver_locked_; the futex
 *   and eventfd syscalls behave SC. What the eventcount needs of that one
 *   total order S: a waker changes what the sleeper checks (state,
 *   shut_down_, driver_locked_) before its fetch_add of wake_seq, and the
 *   sleeper loads wake_seq before it checks them. So if the sleeper's load
 *   sees the bump, its checks come later in S and see the change; if it
 *   does not, the bump comes later: FutexWait's compare (under the futex
 *   bucket lock, which FutexWake takes too) either sees the new value
 *   (EAGAIN) or queues the sleeper before the FutexWake. The hand-off is a
 *   store-buffering pattern (the sleeper: count fetch_add, then load the
 *   lock; the holder: store "unlocked", then load the count) with
 *   seq_cst on both sides (ParkOnCondvar loads driver_locked(), seq_cst,
 *   before TryLockDriver's relaxed pre-check), so C++ forbids both loads
 *   missing. Weak-memory effects beyond that are out of reach here (TSan,
 *   the stress test).
 *
 *   FUTEX: Parker::ParkOnCondvar, step by step (labels ParkOnCondvar_*):
 *     1. CAS state kEmpty -> kParkedCondvar; failing, it is kNotified:
 *        exchange(kEmpty), return kNotified.
 *     2. condvar_sleepers_.fetch_add(1).
 *     3. for (;;) {
 *        a. seq = wake_seq.load()
 *        b. if (shut_down_) { result = exchange(kEmpty) == kNotified ?
 *           kNotified : kShutdown; break; }
 *        c. if (CAS state kNotified -> kEmpty) { result = kNotified;
 *           break; }  (failing, it is kParkedCondvar)
 *        d. if (!driver_locked() && TryLockDriver()): CAS kParkedCondvar ->
 *           kParkedDriver: condvar_sleepers_--, return TurnDriver(); failing
 *           (kNotified): exchange(kEmpty), condvar_sleepers_--,
 *           ReleaseDriver(), return kNotified.
 *        e. if (Passed(deadline)) { result = exchange(kEmpty) == kNotified
 *           ? kNotified : kTimedOut; break; }
 *        f. count a spurious wakeup if the last wait said kWoken
 *        g. FutexWait(wake_seq, seq, deadline) }
 *     4. condvar_sleepers_--; if (!driver_locked()) HandOffIfIdle();
 *        return result.
 *   The wakers change what b-d check, then call ParkerCore::WakeSleeper:
 *   wake_seq.fetch_add(1), FutexWake(wake_seq, 1). Unpark: state exchange
 *   to kNotified, and WakeSleeper if it was kParkedCondvar (kParkedDriver:
 *   the eventfd, as before). Shutdown: shut_down_, then Unpark of every
 *   parker. ReleaseDriver (the store "unlocked") or a sleeper leaving
 *   without the driver (it saw it free): HandOffIfIdle, which under
 *   parkers_mu_ calls WakeSleeper on the first kParkedCondvar parker.
 *   futex_waiter[i] is the futex queue of parker i's word (only its owner
 *   waits there). FutexWait's "wake_seq != seq: return EAGAIN, else queue"
 *   is one step; the owner then sleeps until FutexWake dequeues it, a
 *   spurious wakeup (SPURIOUS) or its deadline, and goes back to step a in
 *   all three cases. FutexWake dequeues the waiter if any, else does
 *   nothing (a futex has no memory: the bump before it is what counts).
 *   Eventfd: efd is "counter > 0"; Signal writes 1, Drain reads the whole
 *   counter (no EFD_SEMAPHORE) so it goes to 0. epoll_wait is
 *   level-triggered: a turn reports the waker iff efd is set when
 *   epoll_wait returns.
 *
 *   wake_seq (a uint32_t) is not stored by default. Only its owner reads
 *   it, only to compare it with its own last load `seq` (FutexWait), and
 *   FutexWake does not look at it; so all the code can observe of it is
 *   whether it moved between the owner's load and that compare, and the
 *   model keeps exactly that: seq_lag[i] is 0 while the owner has no live
 *   `seq`, 1 after its load, 2 once a bump came after the load (a bump with
 *   no live `seq` is not observable: the next load reads it). This is exact
 *   for the real counter unless 2^32 bumps (each a WakeSleeper: an unpark,
 *   or another parker's park ending) fall between one load and its compare
 *   and wrap it to the same value, the usual eventcount caveat, out of
 *   this model's reach.
 *   WAKE_SEQ_COUNTER models the counter itself instead, modulo WAKE_SEQ_MOD
 *   (default 8), and seq_lag becomes a ghost counting the bumps in the
 *   owner's window, which asserts at every bump that they stay below
 *   WAKE_SEQ_MOD: a wrap can never fake an unchanged word. The budgets
 *   bound those bumps: each is an Unpark of that parker that exchanged
 *   kParkedCondvar for kNotified, or a HandOffIfIdle, one per end of
 *   another parker's park (a driver turn or a ParkOnCondvar), which spends
 *   one of that parker's unparks, a driver event, a deadline or its
 *   shutdown. In SCENARIO_UNPARK that is at most 2 + (2 + 1 + 1) = 6 bumps
 *   per run, and SPIN finds a single window that sees all 6 (an Unpark's
 *   bump may land long after its exchange, once the owner left that park
 *   and parked again): WAKE_SEQ_MOD 4 to 6 fire the assertion, 7 passes
 *   the safety search and 8 both. The counter costs 2-4x the states for the same verdicts
 *   (STATUS), so the suite runs the exact abstraction above.
 *
 * PROPERTIES, AND HOW EACH IS EXPRESSED
 *   (a) No lost unpark. A parker parks only after finding no token; the
 *       Unparker publishes a token and then unparks. If an unpark that
 *       happens after a park began were lost (a futex wake between the
 *       sleeper's checks and its FutexWait, unseen by both; an eventfd
 *       write coalesced away), that parker would stay blocked after the
 *       Unparker finished: a terminal state in which a Parker is not at
 *       its end, which pan reports as "invalid end state". There are NO
 *       `end` labels: once every thread is done, no blocking is legitimate
 *       in this harness. An unpark before the park is caught the same way
 *       (the park would have to return at once instead). Assertions: the
 *       FatalState checks of parker.cc (the state a step finds is one the
 *       table allows), Driver::Park's "a second thread entered a turn",
 *       that the driver is held when it is released, and (with
 *       WAKE_SEQ_COUNTER) that no wrap of wake_seq fakes an unchanged word
 *       (FUTEX).
 *   (b) No deadlock: any terminal state with a thread blocked on
 *       parkers_mu_, in FutexWait or in epoll_wait is an invalid end state
 *       too. parkers_mu_ is the only mutex, and its holders (HandOffIfIdle,
 *       Shutdown) never block under it (FutexWake, an eventfd write).
 *   (c) Shutdown: in SCENARIO_SHUTDOWN the parkers leave only when a park
 *       returns kShutdown, so one still blocked (or never told) at the end
 *       is an invalid end state: no thread stays blocked after Shutdown.
 *       "Every later park returns at once": a park that began with
 *       shut_down_ already set asserts at both blocking steps (epoll_wait,
 *       FutexWait's queueing) that it never reaches them, and at its return
 *       that it returns kShutdown (ParkImpl checks shut_down_ first).
 *   (d) Driver hand-off (parker.h): "while any parker is parked, one is
 *       in the driver" cannot hold at every instant (between the holder's
 *       release and the take-over nobody is). Its point is: when the holder
 *       leaves the driver for good while another parker sleeps on its
 *       futex word (kParkedCondvar) with no unpark coming, that parker
 *       eventually moves into the driver (kParkedDriver). In
 *       SCENARIO_HANDOFF the ShutdownThread first blocks until
 *       `sleeper_in_driver` (the event's taker has its event, and a parker
 *       other than it, still in its worker loop, is in kParkedDriver). If
 *       the hand-off can fail, some run ends with the other parker asleep
 *       in FutexWait and Shutdown blocked forever: an invalid end state.
 *       Nothing else can wake that parker (no unparks; spurious wakeups and
 *       its own deadline are budgeted, and a parker that re-parks after a
 *       deadline takes the free driver itself).
 *
 * WHY THE TWO SEARCHES PROVE IT
 *   1. gcc -DSAFETY; pan -m<depth>: exhaustive search of all interleavings
 *      for assertion violations and invalid end states.
 *   2. gcc -DNP; pan -l: there are no progress labels, so ANY cycle in the
 *      state graph is a non-progress cycle. "errors: 0" means the graph is
 *      acyclic, so every execution is finite and ends in a terminal state;
 *      search 1 showed every terminal state has every thread finished. So
 *      every park returns, no thread spins forever (e.g. hand-off wakes
 *      bouncing between sleepers, or EAGAIN retries), and in
 *      SCENARIO_HANDOFF the hand-off happens, under every schedule and
 *      without any fairness assumption.
 *   Both must report "errors: 0" and a complete search (check_model.sh
 *   rejects "max search depth too small" and an unfinished search).
 *
 * STATUS (2171ba2, HEAD 5bc8651): all three scenarios verify, and so does
 *   parker_handoff3.pml. States stored and time on the 2-core dev machine
 *   (safety / non-progress search; pan -DCOLLAPSE; times vary with the load
 *   on the machine):
 *     SCENARIO_UNPARK     4.6M / 9.1M states,   5 s / 18 s
 *     SCENARIO_SHUTDOWN   3.7M / 7.3M states,   4 s / 14 s
 *     SCENARIO_HANDOFF    275k / 551k states,   1 s /  1 s
 *     parker_handoff3     4.5M / 9.0M states,   5 s / 29 s
 *   This file's run takes about 60 s (6 pan compiles included), the
 *   parker's six tests about 100 s of CPU. WAKE_SEQ_COUNTER verifies
 *   too (by hand, PAN_MEMLIM=12000): UNPARK 19.8M / 39.6M states, SHUTDOWN
 *   with SPURIOUS=1 22.1M / 44.2M, HANDOFF 1.1M / 2.2M, handoff3 9.5M /
 *   19.0M.
 *   Seeded bugs, each caught (tests model_*_detected in meson.build):
 *   - DISPATCH_CLEAR_FIRST (parker_dispatch_clear_first.pml), the order
 *     Dispatch had before 0b49051: wake_pending_ cleared, then the eventfd
 *     drained. An Unpark between the two sees false, sets it and writes;
 *     the drain swallows the write, leaving wake_pending_ true with nothing
 *     to read, so every later Driver::Unpark is "coalesced" and the next
 *     holder that is unparked sleeps in epoll_wait forever
 *     (SCENARIO_UNPARK: invalid end state at Driver_Park_epoll_wait).
 *   - BROKEN_SEQ_LOAD_LATE (parker_broken.pml): ParkOnCondvar loads
 *     wake_seq after its checks. An Unpark between the kNotified check and
 *     the load exchanges kParkedCondvar for kNotified, bumps before the
 *     load and wakes nobody (not queued yet); FutexWait finds the word
 *     unchanged and the owner sleeps forever with kNotified set
 *     (SCENARIO_UNPARK: invalid end state at ParkOnCondvar_futex_woken).
 *     A WakeSleeper that wakes without the bump is caught the same way
 *     (tried by hand, SCENARIO_UNPARK and SCENARIO_HANDOFF).
 *   - BROKEN_NO_HANDOFF (parker_no_handoff.pml): ReleaseDriver only stores
 *     "unlocked" (the old UnlockDriver). The taker leaves the driver, the
 *     other parker sleeps in FutexWait forever (SCENARIO_HANDOFF).
 *   - NO_HANDOFF_PASS_ON (parker_handoff3_no_pass_on.pml): with 3 parkers,
 *     HandOffIfIdle wakes the first kParkedCondvar parker only; if that one
 *     then returns without taking the driver (an unpark or its deadline
 *     won the race: kNotified / kTimedOut) the hand-off is spent, and a
 *     third parker sleeps in FutexWait with the driver free. This model
 *     found it in the code; the fix (46d8533: a parker leaving
 *     ParkOnCondvar without the driver passes the hand-off on) is modelled
 *     by default and verifies in parker_handoff3.pml.
 *
 * COST: the eventcount takes the parker's mutex out of the model, and with
 *   it the atomicity it lent: the mutex held an Unpark off from the moment
 *   the owner published kParkedCondvar until it waited, while an Unpark's
 *   exchange, bump and wake now interleave with every step of the owner's
 *   loop. Against the mutex + condvar model with the same budgets: UNPARK
 *   2.5M -> 4.6M states, SHUTDOWN (SPURIOUS=1) 3.8M -> 7.1M, HANDOFF
 *   190k -> 275k, handoff3 3.3M -> 4.5M. To stay near the old run time,
 *   SCENARIO_SHUTDOWN no longer has a spurious futex wakeup (SPURIOUS=0,
 *   half its states; SPURIOUS=1 and 2 verify), as SCENARIO_UNPARK already
 *   had none. The path a spurious wakeup exercises (woken without
 *   kNotified: back to the loop head, load, checks, wait again) is still
 *   taken in both scenarios, by hand-off wakes and by stale wakes (a
 *   WakeSleeper whose bump and FutexWake land after the park they were
 *   meant for ended and the owner parked again); an assertion that it is
 *   never taken fails within 100 steps in each (tried by hand). EAGAIN
 *   takes the same path without sleeping. SCENARIO_HANDOFF is small, so it
 *   keeps 3 deadlines and 3 spurious wakeups. Bigger budgets verify too,
 *   both searches (run by hand, PAN_MEMLIM=12000): UNPARK with SPURIOUS=1
 *   (8.9M / 17.8M states), TIMEOUTS=2 (12.3M / 24.7M), DRIVER_EVENTS=2
 *   (8.5M / 17.1M); SHUTDOWN with SPURIOUS=2 (10.6M / 21.1M), TIMEOUTS=2
 *   (9.1M / 18.3M), QUOTA1=1 (24.5M / 49.1M states, 3 min, 3.7 GB);
 *   HANDOFF with DRIVER_EVENTS=2 and TIMEOUTS=SPURIOUS=5 (1.2M / 2.4M).
 *
 * SWITCHES (cpp -D, or a #define before #include "parker.pml")
 *   SCENARIO_SHUTDOWN, SCENARIO_HANDOFF   (default: SCENARIO_UNPARK)
 *   HANDOFF_3              with SCENARIO_HANDOFF: 3 parkers, one unpark of
 *                          any parker at any moment, and a park returning
 *                          kNotified or kTimedOut also leaves (runs a task)
 *   DISPATCH_CLEAR_FIRST   Dispatch clears wake_pending_, then drains (bug)
 *   BROKEN_SEQ_LOAD_LATE   ParkOnCondvar loads wake_seq after its checks
 *                          (b-e), just before FutexWait, instead of at the
 *                          loop head (bug)
 *   BROKEN_NO_HANDOFF      ReleaseDriver wakes nobody (bug)
 *   NO_HANDOFF_PASS_ON     a parker leaving ParkOnCondvar's loop without
 *                          the driver does NOT pass a hand-off on (the
 *                          code before 46d8533: no HandOffIfIdle at its
 *                          exit) (bug)
 *   WAKE_SEQ_COUNTER       model wake_seq as a counter modulo WAKE_SEQ_MOD
 *                          (default 8), with the wrap assertion (FUTEX)
 *   QUOTA0, QUOTA1, TIMEOUTS, DRIVER_EVENTS, SPURIOUS: the budgets.
 */

#if defined(SCENARIO_SHUTDOWN) && defined(SCENARIO_HANDOFF)
#error "SCENARIO_SHUTDOWN and SCENARIO_HANDOFF are exclusive"
#endif

/* Per-scenario default budgets (see COST in the header). */
#if defined(SCENARIO_SHUTDOWN)
#define DEFAULT_QUOTA0   1
#define DEFAULT_QUOTA1   0
#define DEFAULT_TIMEOUTS 1
#define DEFAULT_SPURIOUS 0
#elif defined(SCENARIO_HANDOFF) && defined(HANDOFF_3)
#define DEFAULT_QUOTA0   0
#define DEFAULT_QUOTA1   0
#define DEFAULT_TIMEOUTS 1
#define DEFAULT_SPURIOUS 1
#elif defined(SCENARIO_HANDOFF)
#define DEFAULT_QUOTA0   0
#define DEFAULT_QUOTA1   0
#define DEFAULT_TIMEOUTS 3
#define DEFAULT_SPURIOUS 3
#else
#define DEFAULT_QUOTA0   2
#define DEFAULT_QUOTA1   2
#define DEFAULT_TIMEOUTS 1
#define DEFAULT_SPURIOUS 0
#endif
#ifndef QUOTA0
#define QUOTA0 DEFAULT_QUOTA0  /* tokens (= unparks) for parker 0 */
#endif
#ifndef QUOTA1
#define QUOTA1 DEFAULT_QUOTA1  /* tokens (= unparks) for parker 1 */
#endif
#ifndef TIMEOUTS
#define TIMEOUTS DEFAULT_TIMEOUTS  /* parks with a deadline, per run */
#endif
#ifndef DRIVER_EVENTS
#define DRIVER_EVENTS 1        /* driver turns ended by a timer/I/O event */
#endif
#ifndef SPURIOUS
#define SPURIOUS DEFAULT_SPURIOUS  /* spurious futex wakeups (EINTR) */
#endif
#ifndef WAKE_SEQ_MOD
#define WAKE_SEQ_MOD 8         /* WAKE_SEQ_COUNTER: the modulus (FUTEX) */
#endif

#if defined(SCENARIO_HANDOFF) && defined(HANDOFF_3)
#define NPARKERS 3
#else
#define NPARKERS 2
#endif
#define NOBODY   NPARKERS
#define QUOTA(i) ((i) == 0 -> QUOTA0 : ((i) == 1 -> QUOTA1 : 0))
#if defined(SCENARIO_SHUTDOWN) || defined(SCENARIO_HANDOFF)
#define PARK_LIMIT(i) 255         /* leave on kShutdown (see Park_return) */
#else
#define PARK_LIMIT(i) QUOTA(i)         /* leave after the last token */
#endif

/* ParkState, parker.h */
#define EMPTY          0
#define PARKED_CONDVAR 1
#define PARKED_DRIVER  2
#define NOTIFIED       3

/* ParkResult, parker.h */
#define R_NONE         0
#define R_NOTIFIED     1
#define R_DRIVER_EVENT 2
#define R_TIMED_OUT    3
#define R_SHUTDOWN     4

/* internal::ParkerCore (parker_core.h), one per parker */
byte state[NPARKERS];          /* state: EMPTY .. NOTIFIED */
#ifdef WAKE_SEQ_COUNTER
byte wake_seq[NPARKERS];       /* wake_seq, modulo WAKE_SEQ_MOD (FUTEX) */
#endif
bool futex_waiter[NPARKERS];   /* the futex queue of &wake_seq[i]: only the
                                * owner ever waits on its word, so one bit */
/* SharedDriver (shared_driver.h) */
bool driver_locked;            /* driver_locked_ */
bool shut_down;                /* shut_down_ */
byte condvar_sleepers;         /* condvar_sleepers_ */
byte parkers_mu;               /* parkers_mu_: 0 free, else _pid + 1 */
/* Driver (driver.h) */
bool wake_pending;             /* wake_pending_ */
bool efd;                      /* waker_: eventfd counter > 0 (readable) */
bool in_turn;                  /* in_turn_ */

/* What the owner of wake_seq[i] can observe of it (FUTEX in the header):
 * 0 while it has no live `seq` (no FutexWait compare ahead before its next
 * load), else 1 + the bumps of wake_seq[i] since it loaded `seq`. Default:
 * saturates at 2 ("moved"); the compare is seq_lag == 1. WAKE_SEQ_COUNTER:
 * a ghost next to the modelled counter, asserting that no window sees
 * WAKE_SEQ_MOD bumps (a function of the owner's pc, seq and wake_seq[i],
 * so it adds no states). */
byte seq_lag[NPARKERS];

/* Budgets of the environment: time, timers/I/O, the futex. */
byte timeouts_left = TIMEOUTS;
byte driver_events_left = DRIVER_EVENTS;
byte spurious_left = SPURIOUS;

/* Harness: work published for parker i by the Unparker. */
byte tokens[NPARKERS];

#ifdef SCENARIO_HANDOFF
/* Ghosts of property (d): the parker whose turn took the driver event (it
 * leaves for good), and which worker loops have ended. */
byte event_taker = NOBODY;
bool left[NPARKERS];
#define NOTE_EVENT() event_taker = me
#define NOTE_LEFT() left[me] = true
/* Parker i, not the event's taker and still in its worker loop, is in the
 * driver. */
#define TOOK_OVER(i) \
  ((i) != event_taker && !left[i] && state[i] == PARKED_DRIVER)
#if NPARKERS == 3
#define ANY_TOOK_OVER (TOOK_OVER(0) || TOOK_OVER(1) || TOOK_OVER(2))
#define ALL_LEFT (left[0] && left[1] && left[2])
#else
#define ANY_TOOK_OVER (TOOK_OVER(0) || TOOK_OVER(1))
#define ALL_LEFT (left[0] && left[1])
#endif
/* (d): the event was taken, and a parker other than its taker, still in
 * its loop, is in the driver (it can only be once the taker released it),
 * or nobody is left to serve. */
#define sleeper_in_driver \
  (event_taker != NOBODY && (ANY_TOOK_OVER || ALL_LEFT))
#else
#define NOTE_EVENT() skip
#define NOTE_LEFT() skip
#endif

/* ======================= Unpark side (any thread) ======================= *
 * Inlines, since SharedDriver::Shutdown expands them more than once. Each
 * uses the caller's locals `old` and `oldwp`.                              */

/* parker.cc ParkerCore::Unpark: old = state.exchange(kNotified). */
inline ParkerCore_Unpark_exchange(i) {
  atomic { old = state[i]; state[i] = NOTIFIED }
}
/* parker_core.h ParkerCore::WakeSleeper: wake_seq.fetch_add(1) (seq_cst).
 * Also used by HandOffIfIdle (with its own index). See FUTEX in the
 * header for the two representations of wake_seq. */
inline WakeSleeper_bump(k) {
  atomic {
#ifdef WAKE_SEQ_COUNTER
    wake_seq[k] = (wake_seq[k] + 1) % WAKE_SEQ_MOD;
    if
    :: seq_lag[k] > 0 -> seq_lag[k]++; assert(seq_lag[k] <= WAKE_SEQ_MOD)
    :: else
    fi
#else
    if
    :: seq_lag[k] == 1 -> seq_lag[k] = 2
    :: else
    fi
#endif
  }
}
/* parker_core.h ParkerCore::WakeSleeper: FutexWake(wake_seq, 1)
 * (futex.cc: FUTEX_WAKE_PRIVATE). Dequeues the waiter if there is one; a
 * wake with nobody queued does nothing (no memory: the bump before it is
 * what a sleeper that has not queued yet sees). */
inline ParkerCore_Unpark_futex_wake(i) {
  atomic { futex_waiter[i] = false; old = 0 }
}
/* driver.cc Driver::Unpark: wake_pending_.exchange(true). */
inline Driver_Unpark_exchange() {
  atomic { oldwp = wake_pending; wake_pending = true }
}
/* driver.cc Driver::Unpark: waker_.Signal() (event_fd.cc: write 1). */
inline Driver_Unpark_signal() {
  efd = true
}
/* driver.cc Driver::Unpark. */
inline Driver_Unpark() {
  Driver_Unpark_exchange();
  if
  :: oldwp -> oldwp = false                 /* Bump(waker_coalesced_) */
  :: else -> Driver_Unpark_signal()         /* Bump(waker_writes_) */
  fi
}
/* parker.cc ParkerCore::Unpark: switch (state.exchange(kNotified)). */
inline ParkerCore_Unpark(i) {
  ParkerCore_Unpark_exchange(i);
  if
  :: old == EMPTY || old == NOTIFIED -> old = 0     /* Bump(unparks_noop) */
  :: old == PARKED_CONDVAR ->                       /* WakeSleeper() */
     WakeSleeper_bump(i);
     ParkerCore_Unpark_futex_wake(i)
  :: old == PARKED_DRIVER -> old = 0; Driver_Unpark()
  fi
}

/* ========================= Park side (the owner) ========================= */

/* parker.cc Passed(deadline): a deadline may pass at any moment; once
 * passed it stays passed. Thread-local. */
inline Passed() {
  if
  :: has_deadline && !passed -> passed = true
  :: true
  fi
}

/* ParkOnCondvar's `seq` is dead (no FutexWait compare ahead before the
 * next load): reset it, and end the ghost window of seq_lag. */
#define SEQ_DEAD() seq = 0; seq_lag[me] = 0
/* seq = wake_seq.load(), and FutexWait's compare (FUTEX in the header). */
#ifdef WAKE_SEQ_COUNTER
#define WAKE_SEQ_LOAD() seq = wake_seq[me]; seq_lag[me] = 1
#define WAKE_SEQ_UNCHANGED() (wake_seq[me] == seq)
#else
#define WAKE_SEQ_LOAD() seq_lag[me] = 1
#define WAKE_SEQ_UNCHANGED() (seq_lag[me] == 1)
#endif

proctype Parker(byte me) {
  byte got;                         /* harness: tokens taken */
  byte result;                      /* ParkResult being returned */
  byte old;
  byte j;                           /* HandOffIfIdle: index into parkers_ */
  byte seq;                         /* ParkOnCondvar: wake_seq as loaded */
  bool has_deadline, passed;        /* ParkFor(d) vs Park(); Passed() */
  bool woken, io, timed_out;        /* DriverTurn result */
  bool sd_at_entry;                 /* ghost: shut_down_ when park began */

  do
#if !defined(SCENARIO_SHUTDOWN) && !defined(SCENARIO_HANDOFF)
  :: got == QUOTA(me) -> break
#endif
  /* harness: run published work instead of parking */
  :: atomic { tokens[me] > 0 -> tokens[me]--; got++ }
  /* harness: found no work, so park */
  :: got < PARK_LIMIT(me) && tokens[me] == 0 ->

     /* ---------------------- parker.cc Parker::ParkImpl ------------------- */
/* if (shared_->is_shut_down()) return kShutdown. Also picks Park() or
 * ParkFor(d) (thread-local), and records the ghost. */
ParkImpl_check_shutdown:
     atomic {
       if
       :: timeouts_left > 0 -> timeouts_left--; has_deadline = true
       :: true
       fi;
       sd_at_entry = shut_down;
       if
       :: shut_down -> result = R_SHUTDOWN; goto Park_return
       :: else
       fi
     }
/* ConsumeNotification: state.load() != kNotified. */
ConsumeNotification_load:
     atomic {
       if
       :: state[me] == NOTIFIED -> goto ConsumeNotification_exchange
       :: else
       fi
     }
/* shared_driver.h TryLockDriver: compare_exchange_strong(false, true).
 * The relaxed pre-check load before it is folded in: it has no effect, and
 * "pre-check saw true" behaves exactly as a CAS that failed at that moment
 * (under SC; see MEMORY MODEL). */
TryLockDriver_cas:
     atomic {
       if
       :: !driver_locked -> driver_locked = true
       :: else -> goto ParkImpl_poll_deadline
       fi
     }
/* state.compare_exchange_strong(kEmpty, kParkedDriver). */
ParkImpl_cas:
     atomic {
       if
       :: state[me] == EMPTY -> state[me] = PARKED_DRIVER;
       :: else ->
          assert(state[me] == NOTIFIED);      /* else FatalState */
          goto ParkImpl_consume
       fi
     }

     /* --------------------- parker.cc Parker::TurnDriver ------------------ */
/* result = kTimedOut; for (;;) { if (shared_->is_shut_down()) { result =
 * kShutdown; break; }  Then driver.cc Driver::Park: in_turn_.exchange(true),
 * FatalState if it was set (in_turn_ is touched only by the holder: folded
 * in here). */
TurnDriver_check_shutdown:
     atomic {
       result = R_TIMED_OUT;
       if
       :: shut_down -> result = R_SHUTDOWN; goto TurnDriver_exchange_empty
       :: else
       fi;
       assert(!in_turn); in_turn = true;   /* Driver_Park_enter */
       assert(!sd_at_entry)                /* (c): a later park never blocks */
     }
/* driver.cc Driver::Park: n = epoll_.Wait(events_, deadline). Blocks until
 * the waker is readable (level-triggered), a timer or I/O event, or the
 * deadline; timed_out = n == 0, so only if nothing was ready. */
Driver_Park_epoll_wait:
     atomic {
       if
       :: efd -> woken = true
       :: driver_events_left > 0 ->
          driver_events_left--; io = true; woken = efd; NOTE_EVENT()
       :: has_deadline && !efd -> passed = true; timed_out = true
       fi;
       if
       :: woken -> goto Dispatch_woken
       :: else -> goto Driver_Park_leave
       fi
     }
/* driver.cc Driver::Dispatch: if (turn->woken) { ... } */
Dispatch_woken:
#ifndef DISPATCH_CLEAR_FIRST
/* As written: waker_.Drain(), then wake_pending_.store(false). */
Dispatch_drain:
     efd = false;
Dispatch_clear_pending:
     wake_pending = false;
#else
/* The old order (the lost-wakeup bug): clear, then drain. */
Dispatch_clear_pending_first:
     wake_pending = false;
Dispatch_drain_after:
     efd = false;
#endif
/* driver.cc Driver::Park: in_turn_.store(false) (holder-only, folded);
 * then TurnDriver: if (core.state.load() == kNotified) break; the rest of
 * the loop body is thread-local: events -> kDriverEvent; timed_out or
 * Passed(deadline) -> break; if (is_shut_down()) continue (the loop head
 * re-reads it, so that load is folded into the head); else spurious. */
Driver_Park_leave:
TurnDriver_check_notified:
     atomic {
       in_turn = false;
       woken = false;
       if
       :: state[me] == NOTIFIED -> io = false; timed_out = false;
                                   goto TurnDriver_exchange_empty
       :: else
       fi;
       if
       :: io -> io = false; timed_out = false; result = R_DRIVER_EVENT;
                goto TurnDriver_exchange_empty
       :: else
       fi;
       Passed();
       if
       :: timed_out || passed -> timed_out = false;
                                 goto TurnDriver_exchange_empty
       :: else -> goto TurnDriver_check_shutdown   /* spurious: turn again */
       fi
     }
/* ParkImpl: the CAS failed, so it is kNotified: state.exchange(kEmpty);
 * then shared_->ReleaseDriver(); return kNotified. */
ParkImpl_consume:
     atomic {
       assert(state[me] == NOTIFIED); state[me] = EMPTY;
       result = R_NOTIFIED; goto ReleaseDriver_unlock
     }
/* TurnDriver: old = state.exchange(kEmpty); then ReleaseDriver(); then
 * kNotified wins over result (thread-local, folded in here). */
TurnDriver_exchange_empty:
     atomic {
       old = state[me]; state[me] = EMPTY;
       assert(old == NOTIFIED || old == PARKED_DRIVER);   /* FatalState */
       if
       :: old == NOTIFIED -> result = R_NOTIFIED
       :: else
       fi;
       old = 0
     }

     /* ------------- shared_driver.cc SharedDriver::ReleaseDriver ---------- *
      * Called from ParkImpl, TurnDriver and ParkOnCondvar, holding no lock;
      * continues at Park_return.                                          */
/* driver_locked_.store(false) (seq_cst). */
ReleaseDriver_unlock:
     atomic {
       assert(driver_locked); driver_locked = false;
#ifdef BROKEN_NO_HANDOFF
       goto Park_return     /* the seeded bug: no hand-off (= UnlockDriver) */
#else
       skip
#endif
     }
     /* ------------- shared_driver.cc SharedDriver::HandOffIfIdle ---------- *
      * ReleaseDriver's second half; also called by a sleeper leaving
      * ParkOnCondvar without the driver (ParkOnCondvar_pass_on).          */
/* if (condvar_sleepers_.load() == 0) return; */
HandOffIfIdle_load_sleepers:
     atomic {
       if
       :: condvar_sleepers == 0 -> goto Park_return
       :: else
       fi
     }
/* MutexLock lock(&parkers_mu_); */
HandOffIfIdle_lock_parkers:
     atomic { parkers_mu == 0 -> parkers_mu = _pid + 1 }
/* for (core : parkers_) if (core->state.load() != kParkedCondvar) continue;
 * one load per iteration; after the last one, return (~MutexLock). */
HandOffIfIdle_load_state:
     atomic {
       if
       :: state[j] == PARKED_CONDVAR
       :: else ->
          j++;
          if
          :: j == NPARKERS ->                  /* ~MutexLock (folded) */
             j = 0; assert(parkers_mu == _pid + 1); parkers_mu = 0;
             goto Park_return
          :: else -> goto HandOffIfIdle_load_state
          fi
       fi
     }
/* core->WakeSleeper(): wake_seq.fetch_add(1) (no state change: not
 * kNotified; the driver lock it is to look at was stored or seen free). */
HandOffIfIdle_bump:
     WakeSleeper_bump(j);
/* FutexWake(wake_seq, 1); return; and ~MutexLock: parkers_mu_.Unlock()
 * (folded). */
HandOffIfIdle_futex_wake:
     atomic {
       futex_waiter[j] = false; j = 0;
       assert(parkers_mu == _pid + 1); parkers_mu = 0; goto Park_return
     }

     /* ------------------ parker.cc Parker::ParkOnCondvar ------------------ *
      * The eventcount (FUTEX in the header; steps 1-4 as listed there).    */
/* ParkImpl: if (Passed(deadline)) return kTimedOut; (thread-local) */
ParkImpl_poll_deadline:
     atomic {
       Passed();
       if
       :: passed -> result = R_TIMED_OUT; goto Park_return
       :: else
       fi
     }
/* 1. state.compare_exchange_strong(kEmpty, kParkedCondvar). */
ParkOnCondvar_cas:
     atomic {
       if
       :: state[me] == EMPTY -> state[me] = PARKED_CONDVAR
       :: else ->
          assert(state[me] == NOTIFIED);      /* else FatalState */
          goto ParkOnCondvar_consume
       fi
     }
/* 2. shared_->condvar_sleepers_.fetch_add(1); */
ParkOnCondvar_count_sleeper:
     condvar_sleepers++;
#ifndef BROKEN_SEQ_LOAD_LATE
/* 3a. for (;;) { const uint32_t seq = core.wake_seq.load(); (seq_cst) */
ParkOnCondvar_loop:
ParkOnCondvar_load_seq:
     atomic { WAKE_SEQ_LOAD() }
ParkOnCondvar_check_shutdown:
#else
/* The seeded bug: the loop head checks first and loads wake_seq only just
 * before the wait (ParkOnCondvar_load_seq_late). */
ParkOnCondvar_loop:
ParkOnCondvar_check_shutdown:
#endif
/* 3b. if (shared_->is_shut_down()) -> the exchange below. */
     atomic {
       if
       :: shut_down -> SEQ_DEAD(); goto ParkOnCondvar_shutdown_exchange
       :: else
       fi
     }
/* 3c. state.compare_exchange_strong(kNotified, kEmpty): on success
 * result = kNotified; break. On failure it is kParkedCondvar (else
 * FatalState): only the owner leaves kNotified or kParkedCondvar. */
ParkOnCondvar_cas_notified:
     atomic {
       if
       :: state[me] == NOTIFIED ->
          state[me] = EMPTY; result = R_NOTIFIED; SEQ_DEAD();
          goto ParkOnCondvar_uncount
       :: else -> assert(state[me] == PARKED_CONDVAR)   /* else FatalState */
       fi
     }
/* 3d. if (!shared_->driver_locked() && shared_->TryLockDriver()): the
 * seq_cst load, TryLockDriver's relaxed pre-check and its CAS are one
 * step. Under SC the loads have no effect, and "a load saw true" behaves
 * exactly as a CAS that failed at that moment (see MEMORY MODEL). */
ParkOnCondvar_try_driver:
     atomic {
       if
       :: !driver_locked -> driver_locked = true; SEQ_DEAD()
       :: else -> goto ParkOnCondvar_check_deadline
       fi
     }
/* state.compare_exchange_strong(kParkedCondvar, kParkedDriver). */
ParkOnCondvar_to_driver_cas:
     atomic {
       if
       :: state[me] == PARKED_CONDVAR ->
          state[me] = PARKED_DRIVER;
       :: else ->
          assert(state[me] == NOTIFIED);      /* else FatalState */
          goto ParkOnCondvar_handback_exchange
       fi
     }
/* condvar_sleepers_.fetch_sub(1); (CountHandoff: a relaxed counter)
 * return TurnDriver(deadline); */
ParkOnCondvar_to_driver_uncount:
     atomic { condvar_sleepers--; goto TurnDriver_check_shutdown }
/* An unpark came first: state.exchange(kEmpty) (it is kNotified). */
ParkOnCondvar_handback_exchange:
     atomic {
       assert(state[me] == NOTIFIED); state[me] = EMPTY; result = R_NOTIFIED
     }
/* condvar_sleepers_.fetch_sub(1); then shared_->ReleaseDriver(); return
 * kNotified. */
ParkOnCondvar_handback_uncount:
     atomic { condvar_sleepers--; goto ReleaseDriver_unlock }
#ifdef BROKEN_SEQ_LOAD_LATE
ParkOnCondvar_check_deadline:
/* The seeded bug: seq = wake_seq.load() here, after the checks. */
ParkOnCondvar_load_seq_late:
     atomic { WAKE_SEQ_LOAD() }
ParkOnCondvar_futex_wait:
#else
ParkOnCondvar_check_deadline:
ParkOnCondvar_futex_wait:
#endif
/* 3e. if (Passed(deadline)) -> the exchange below (thread-local, folded
 * in); 3f. a spurious-wakeup counter (relaxed, not modelled);
 * 3g. FutexWait(wake_seq, seq, deadline) (futex.cc: FUTEX_WAIT_BITSET):
 * the kernel's compare and enqueue are one step (under the futex bucket
 * lock, which FutexWake takes too). wake_seq != seq: EAGAIN
 * (kValueChanged), back to the loop head at once; else queue and sleep. */
     atomic {
       Passed();
       if
       :: passed -> SEQ_DEAD(); goto ParkOnCondvar_timeout_exchange
       :: else
       fi;
       assert(!sd_at_entry);               /* (c): a later park never blocks */
       if
       :: !WAKE_SEQ_UNCHANGED() -> SEQ_DEAD(); goto ParkOnCondvar_loop
       :: else -> SEQ_DEAD(); futex_waiter[me] = true
       fi
     }
/* ... asleep until a FutexWake dequeues us (kWoken), a spurious wakeup
 * (EINTR, also kWoken) or the deadline (kTimedOut: Passed() holds from now
 * on); then back to the loop head either way. */
ParkOnCondvar_futex_woken:
     atomic {
       if
       :: !futex_waiter[me]
       :: spurious_left > 0 -> spurious_left--; futex_waiter[me] = false
       :: has_deadline -> futex_waiter[me] = false; passed = true
       fi;
       goto ParkOnCondvar_loop
     }
/* 3e: old = state.exchange(kEmpty): kNotified, else kTimedOut; break. */
ParkOnCondvar_timeout_exchange:
     atomic {
       old = state[me]; state[me] = EMPTY;
       assert(old == NOTIFIED || old == PARKED_CONDVAR);   /* FatalState */
       if
       :: old == NOTIFIED -> result = R_NOTIFIED
       :: else -> result = R_TIMED_OUT
       fi;
       old = 0;
       goto ParkOnCondvar_uncount
     }
/* 3b: shutdown seen: state.exchange(kEmpty) == kNotified ? kNotified :
 * kShutdown; break. */
ParkOnCondvar_shutdown_exchange:
     atomic {
       if
       :: state[me] == NOTIFIED -> result = R_NOTIFIED
       :: else -> assert(state[me] == PARKED_CONDVAR); result = R_SHUTDOWN
       fi;
       state[me] = EMPTY
     }
/* 4. after the loop: condvar_sleepers_.fetch_sub(1); */
ParkOnCondvar_uncount:
     atomic {
       condvar_sleepers--;
#ifdef NO_HANDOFF_PASS_ON
       goto Park_return
#else
       skip
#endif
     }
#ifndef NO_HANDOFF_PASS_ON
/* if (!shared_->driver_locked()) shared_->HandOffIfIdle(); return result;
 * (a hand-off may have been spent on us: pass it on). */
ParkOnCondvar_pass_on:
     atomic {
       if
       :: driver_locked -> goto Park_return
       :: else -> goto HandOffIfIdle_load_sleepers
       fi
     }
#endif
/* 1: the CAS failed, so it is kNotified: state.exchange(kEmpty); return
 * kNotified (never counted as a sleeper). */
ParkOnCondvar_consume:
     atomic {
       assert(state[me] == NOTIFIED); state[me] = EMPTY; result = R_NOTIFIED;
       goto Park_return
     }

/* ConsumeNotification: state.exchange(kEmpty); only the owner leaves
 * kNotified, so it returns kNotified. */
ConsumeNotification_exchange:
     atomic {
       assert(state[me] == NOTIFIED); state[me] = EMPTY;
       result = R_NOTIFIED
     }

/* ParkImpl returns `result` (harness, thread-local). */
Park_return:
     atomic {
       assert(result != R_NONE);
       /* (c): a park that began after shutdown returned kShutdown at once. */
       assert(!sd_at_entry || result == R_SHUTDOWN);
       has_deadline = false; passed = false; sd_at_entry = false;
       if
       :: result == R_SHUTDOWN ->                          /* worker exits */
          result = R_NONE; NOTE_LEFT(); break
#ifdef SCENARIO_HANDOFF
       /* (d): the holder that got the event leaves for good (it runs the
        * handler's task forever); with HANDOFF_3 so does a parker woken by
        * an unpark or a deadline (it runs a task too). */
#ifdef HANDOFF_3
       :: result == R_DRIVER_EVENT || result == R_NOTIFIED ||
          result == R_TIMED_OUT -> result = R_NONE; NOTE_LEFT(); break
#else
       :: result == R_DRIVER_EVENT -> result = R_NONE; NOTE_LEFT(); break
#endif
#endif
       :: else -> result = R_NONE
       fi
     }
  od
}

/* Publishes QUOTA(i) tokens for each parker, in every order; each is
 * followed by Unparker::Unpark() (parker.cc: core_->Unpark()). */
proctype Unparker() {
  byte i, old, given[NPARKERS];
  bool oldwp;
  do
  :: given[0] == QUOTA0 && given[1] == QUOTA1 -> break
  :: else ->
     /* harness: publish work for either parker, before unparking it */
     atomic {
       if
       :: given[0] < QUOTA0 -> i = 0
       :: given[1] < QUOTA1 -> i = 1
       fi;
       given[i]++; tokens[i]++
     }
     ParkerCore_Unpark(i);
     i = 0
  od
}

#if defined(SCENARIO_HANDOFF) && defined(HANDOFF_3)
/* One Unparker::Unpark() of any parker, at any moment (HANDOFF_3). */
proctype HandoffUnparker() {
  byte i, old;
  bool oldwp;
  if
  :: i = 0
  :: i = 1
  :: i = 2
  fi;
  ParkerCore_Unpark(i);
  i = 0
}
#endif

#if defined(SCENARIO_SHUTDOWN) || defined(SCENARIO_HANDOFF)
/* Calls SharedDriver::Shutdown() once (shared_driver.cc): at any moment
 * (SCENARIO_SHUTDOWN) or once the hand-off happened (SCENARIO_HANDOFF). */
proctype ShutdownThread() {
  byte i, old;
  bool oldwp;
#ifdef SCENARIO_HANDOFF
/* harness, (d): blocks forever (an invalid end state) unless, after the
 * event's taker left, a parker still in its loop moves into the driver. */
Shutdown_await_handoff:
  sleeper_in_driver;
#endif
/* if (shut_down_.exchange(true)) return;  (nobody else sets it here) */
Shutdown_set_flag:
  atomic { assert(!shut_down); shut_down = true }
/* MutexLock lock(&parkers_mu_); */
Shutdown_lock_parkers:
  atomic { parkers_mu == 0 -> parkers_mu = _pid + 1 }
/* for (internal::ParkerCore* core : parkers_) core->Unpark(); */
Shutdown_unpark_parkers:
  do
  :: i < NPARKERS -> ParkerCore_Unpark(i); i++
  :: else -> break
  od;
/* driver_->Unpark(): ring once more for a thread finishing a turn. */
Shutdown_ring_driver:
  Driver_Unpark();
/* ~MutexLock */
Shutdown_unlock_parkers:
  atomic { assert(parkers_mu == _pid + 1); parkers_mu = 0 }
}
#endif

init {
  atomic {
    run Parker(0);
    run Parker(1);
#ifndef SCENARIO_HANDOFF
    run Unparker();
#elif defined(HANDOFF_3)
    run Parker(2);
    run HandoffUnparker();
#endif
#if defined(SCENARIO_SHUTDOWN) || defined(SCENARIO_HANDOFF)
    run ShutdownThread()
#endif
  }
}
