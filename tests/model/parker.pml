/*
 * parker.pml: a SPIN model of the Parker / Unparker / SharedDriver state
 * machine as written in commit 0b49051 (the hand-off; unchanged up to HEAD
 * 012a32f, where MutexLock only became a template alias) in
 *   lib/park/parker/parker.cc         ParkImpl, ConsumeNotification,
 *                                     TurnDriver, ParkOnCondvar,
 *                                     ParkerCore::Unpark
 *   lib/park/parker/shared_driver.h   TryLockDriver, condvar_sleepers_
 *   lib/park/parker/shared_driver.cc  SharedDriver::ReleaseDriver, Shutdown
 *   lib/park/driver/driver.cc         Driver::Park, Dispatch, Unpark
 *   lib/park/sys/mutex.h              CondVar::Wait / WaitUntil / Signal
 *   lib/park/sys/event_fd.cc          EventFd::Signal / Drain
 * Contract: lib/park/parker/parker.h (state x operation table, "Driver
 * hand-off"); design: DESIGN.md "The driver must never be starved".
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
 *   turns end with a timer/I/O event; at most SPURIOUS condvar waits wake
 *   spuriously. These budgets keep the state graph finite; their defaults
 *   per scenario (TIMEOUTS / DRIVER_EVENTS / SPURIOUS) are UNPARK 1/1/0,
 *   SHUTDOWN 1/1/1, HANDOFF 3/1/3 (see COST).
 *
 * GRANULARITY
 *   One Promela step (an atomic block; no intermediate states are stored or
 *   interleaved) = one C++ atomic operation, one syscall, or one mutex /
 *   condvar operation, labelled or (unpark side) inlined under the name of
 *   the C++ function and step, with a comment citing it. Thread-local work
 *   (counters, the result variable, comparisons) is folded into the
 *   neighbouring step; so is in_turn_ (touched by the driver holder only),
 *   and so is the TryLockDriver pre-check (argued there). Dead locals are
 *   reset to keep the state space small. Mutex operations are folded by
 *   Lipton's reduction: an acquire is a right mover (no other thread can
 *   touch that mutex until it is released, so it commutes with every later
 *   step of other threads) and a release a left mover, so "Lock; then the
 *   next shared step" and "a shared step; then Unlock" are each one step
 *   (ParkOnCondvar_lock_cas, ParkOnCondvar_relock_cas_notified, the
 *   *_uncount_unlock steps, ParkOnCondvar_consume_unlock, the parkers_mu_
 *   release in ReleaseDriver). This keeps every reachable terminal state,
 *   assertion and cycle. A Lock immediately followed by Unlock (Unpark and
 *   ReleaseDriver, on another parker's mu) is one step that waits until the
 *   mutex is free. Goto from inside an atomic block to a label that starts
 *   one ends the step (the target is a new step: checked with spin 6.5.2).
 *
 *   MEMORY MODEL: SPIN interleaves, i.e. sequential consistency. The code
 *   uses seq_cst for the state word, shut_down_, wake_pending_,
 *   condvar_sleepers_ and ReleaseDriver's store of driver_locked_ (its
 *   arguments need one total order over them); mutexes and syscalls behave
 *   SC. Weak-memory effects are out of reach here (TSan, the stress test).
 *   NB: the hand-off argument in ParkOnCondvar ("we write the count and
 *   then read the lock, both seq_cst") is a store-buffering pattern, but
 *   the read of the lock there is TryLockDriver's RELAXED pre-check (and an
 *   acquire CAS, relaxed on failure): C++ allows that load to miss
 *   ReleaseDriver's store while ReleaseDriver's seq_cst load of the count
 *   misses the fetch_add (a lost hand-off). This model cannot show it.
 *
 *   CondVar: cv_waiting[i] is the wait queue (only the owner ever waits on
 *   its condvar, so one bit). Wait releases the mutex and enqueues in one
 *   step; Signal (notify_one) dequeues; a Signal with nobody waiting is
 *   lost (a condvar has no memory). The woken waiter reacquires the mutex as
 *   a separate step. Eventfd: efd is "counter > 0"; Signal writes 1, Drain
 *   reads the whole counter (no EFD_SEMAPHORE) so it goes to 0. epoll_wait
 *   is level-triggered: a turn reports the waker iff efd is set when
 *   epoll_wait returns. parkers_mu_ is a mutex taken by ReleaseDriver and
 *   Shutdown (Attach/Detach do not run concurrently in this model).
 *
 * PROPERTIES, AND HOW EACH IS EXPRESSED
 *   (a) No lost unpark. A parker parks only after finding no token; the
 *       Unparker publishes a token and then unparks. If an unpark that
 *       happens after a park began were lost (a notify falling before the
 *       wait; an eventfd write coalesced away), that parker would stay
 *       blocked after the Unparker finished: a terminal state in which a
 *       Parker is not at its end, which pan reports as "invalid end state".
 *       There are NO `end` labels: once every thread is done, no blocking
 *       is legitimate in this harness. An unpark before the park is caught
 *       the same way (the park would have to return at once instead).
 *       Assertions: the FatalState checks of parker.cc (the state a step
 *       finds is one the table allows), Driver::Park's "a second thread
 *       entered a turn", and that the driver is held when it is released.
 *   (b) No deadlock: any terminal state with a thread blocked on a mutex
 *       (a parker's mu or parkers_mu_), the condvar or epoll_wait is an
 *       invalid end state too. ReleaseDriver locks parkers_mu_ and then a
 *       parker's mu; it is never called holding one's own mu (modelled as
 *       written), so this checks the lock order the code relies on.
 *   (c) Shutdown: in SCENARIO_SHUTDOWN the parkers leave only when a park
 *       returns kShutdown, so one still blocked (or never told) at the end
 *       is an invalid end state: no thread stays blocked after Shutdown.
 *       "Every later park returns at once": a park that began with
 *       shut_down_ already set asserts at both blocking steps (epoll_wait,
 *       the condvar wait) that it never reaches them, and at its return
 *       that it returns kShutdown (ParkImpl checks shut_down_ first).
 *   (d) Driver hand-off (parker.h): "while any parker is parked, one is
 *       in the driver" cannot hold at every instant (between the holder's
 *       release and the take-over nobody is). Its point is: when the holder
 *       leaves the driver for good while another parker sleeps on its
 *       condvar with no unpark coming, that parker eventually moves into
 *       the driver (kParkedDriver). In SCENARIO_HANDOFF the ShutdownThread
 *       first blocks until `sleeper_in_driver` (the event's taker has its
 *       event, and a parker other than it, still in its worker loop, is in
 *       kParkedDriver). If the hand-off can fail, some run ends with the
 *       other parker asleep on its condvar and Shutdown blocked forever: an
 *       invalid end state. Nothing else can wake that parker (no unparks;
 *       spurious wakeups and its own deadline are budgeted, and a parker
 *       that re-parks after a deadline takes the free driver itself).
 *
 * WHY THE TWO SEARCHES PROVE IT
 *   1. gcc -DSAFETY; pan -m<depth>: exhaustive search of all interleavings
 *      for assertion violations and invalid end states.
 *   2. gcc -DNP; pan -l: there are no progress labels, so ANY cycle in the
 *      state graph is a non-progress cycle. "errors: 0" means the graph is
 *      acyclic, so every execution is finite and ends in a terminal state;
 *      search 1 showed every terminal state has every thread finished. So
 *      every park returns, no thread spins forever (e.g. hand-off signals
 *      bouncing between sleepers), and in SCENARIO_HANDOFF the hand-off
 *      happens, under every schedule and without any fairness assumption.
 *   Both must report "errors: 0" and a complete search (check_model.sh
 *   rejects "max search depth too small" and an unfinished search).
 *
 * STATUS (HEAD 012a32f): all three scenarios verify. States stored and time
 *   on the 2-core dev machine (safety / non-progress search; pan -DCOLLAPSE;
 *   times vary with the load on the machine):
 *     SCENARIO_UNPARK     2.5M / 5.0M states,   3 s / 12 s
 *     SCENARIO_SHUTDOWN   3.8M / 7.6M states,   4 s / 20 s
 *     SCENARIO_HANDOFF    190k / 381k states,   1 s /  1 s
 *   The whole check_model.sh run takes 50-60 s (6 pan compiles included).
 *   Seeded bugs, each caught (tests model_*_detected in meson.build):
 *   - DISPATCH_CLEAR_FIRST (parker_dispatch_clear_first.pml), the order
 *     Dispatch had before 0b49051: wake_pending_ cleared, then the eventfd
 *     drained. An Unpark between the two sees false, sets it and writes;
 *     the drain swallows the write, leaving wake_pending_ true with nothing
 *     to read, so every later Driver::Unpark is "coalesced" and the next
 *     holder that is unparked sleeps in epoll_wait forever
 *     (SCENARIO_UNPARK: invalid end state at Driver_Park_epoll_wait).
 *   - BROKEN_UNPARK_NO_LOCK (parker_broken.pml): Unpark signals without
 *     the mu Lock/Unlock; the notify falls before the wait.
 *   - BROKEN_NO_HANDOFF (parker_no_handoff.pml): ReleaseDriver only stores
 *     "unlocked" (the old UnlockDriver). The taker leaves the driver, the
 *     other parker sleeps on its condvar forever (SCENARIO_HANDOFF).
 *   - NO_HANDOFF_PASS_ON (parker_handoff3_no_pass_on.pml): with 3 parkers,
 *     ReleaseDriver signals the first kParkedCondvar parker only; if that
 *     one then returns without taking the driver (an unpark or its
 *     deadline won the race: kNotified / kTimedOut) the hand-off is spent,
 *     and a third parker sleeps on its condvar with the driver free. This
 *     model found it in the code; the fix (a parker leaving ParkOnCondvar
 *     without the driver passes the hand-off on) is modelled by default
 *     and verifies in parker_handoff3.pml.
 *
 * COST: the hand-off added condvar_sleepers_, parkers_mu_ and a retry loop:
 *   3.6x the states of the model before it (SCENARIO_UNPARK with the old
 *   budgets: 6.6M vs 1.8M states, ~80 s for the whole run). The Lipton
 *   folds (GRANULARITY) took 25% off. To stay near the old run time,
 *   SCENARIO_UNPARK no longer has a spurious condvar wakeup (SPURIOUS=0,
 *   half its states): the path it exercises (woken without kNotified, back
 *   to the loop head: shutdown check, try-lock, wait again) is still taken
 *   there by ReleaseDriver's hand-off signals and by stale Unpark signals,
 *   and SPURIOUS=1 is kept in the other two scenarios. SCENARIO_HANDOFF is
 *   small, so it gets 3 deadlines and 3 spurious wakeups. Bigger budgets
 *   verify too, both searches (run by hand, PAN_MEMLIM=12000): UNPARK with
 *   SPURIOUS=1 (4.9M / 9.8M states), TIMEOUTS=2, DRIVER_EVENTS=2; SHUTDOWN
 *   with SPURIOUS=2, TIMEOUTS=2, QUOTA1=1; HANDOFF with DRIVER_EVENTS=2,
 *   TIMEOUTS=SPURIOUS=5. An extra deadline, event or spurious wakeup costs
 *   1.5-2.5x the states; a token for parker 1 in SHUTDOWN 6.5x (25M / 50M
 *   states, ~3.5 min).
 *
 * SWITCHES (cpp -D, or a #define before #include "parker.pml")
 *   SCENARIO_SHUTDOWN, SCENARIO_HANDOFF   (default: SCENARIO_UNPARK)
 *   HANDOFF_3              with SCENARIO_HANDOFF: 3 parkers, one unpark of
 *                          any parker at any moment, and a park returning
 *                          kNotified or kTimedOut also leaves (runs a task)
 *   DISPATCH_CLEAR_FIRST   Dispatch clears wake_pending_, then drains (bug)
 *   BROKEN_UNPARK_NO_LOCK  ParkerCore::Unpark notifies a PARKED_CONDVAR
 *                          parker without the mu Lock/Unlock (bug)
 *   BROKEN_NO_HANDOFF      ReleaseDriver signals nobody (bug)
 *   NO_HANDOFF_PASS_ON     a parker leaving ParkOnCondvar's loop without
 *                          the driver does NOT pass a hand-off on (the
 *                          code before the fix: if (!driver_locked())
 *                          HandOffIfIdle() after its Unlock) (bug)
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
#define DEFAULT_SPURIOUS 1
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
#define SPURIOUS DEFAULT_SPURIOUS  /* spurious condvar wakeups */
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
byte mu[NPARKERS];             /* mu: 0 free, else owner's _pid + 1 */
bool cv_waiting[NPARKERS];     /* cv: its wait queue (only the owner waits) */
/* SharedDriver (shared_driver.h) */
bool driver_locked;            /* driver_locked_ */
bool shut_down;                /* shut_down_ */
byte condvar_sleepers;         /* condvar_sleepers_ */
byte parkers_mu;               /* parkers_mu_: 0 free, else _pid + 1 */
/* Driver (driver.h) */
bool wake_pending;             /* wake_pending_ */
bool efd;                      /* waker_: eventfd counter > 0 (readable) */
bool in_turn;                  /* in_turn_ */

/* Budgets of the environment: time, timers/I/O, the condvar. */
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
/* parker.cc ParkerCore::Unpark, case kParkedCondvar: mu.Lock(); then
 * mu.Unlock(). Nothing happens in between and Unlock never blocks, so the
 * pair is one step: block until mu is free (holding it for zero steps only
 * removes interleavings that commute with everything but other Locks). */
inline ParkerCore_Unpark_lock_unlock(i) {
  atomic { mu[i] == 0 }
}
/* parker.cc ParkerCore::Unpark, case kParkedCondvar: cv.Signal()
 * (mutex.h CondVar::Signal = notify_one). Lost if nobody is waiting. */
inline ParkerCore_Unpark_condvar(i) {
  atomic { cv_waiting[i] = false; old = 0 }
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
/* parker.cc ParkerCore::Unpark. */
inline ParkerCore_Unpark(i) {
  ParkerCore_Unpark_exchange(i);
  if
  :: old == EMPTY || old == NOTIFIED -> old = 0     /* Bump(unparks_noop) */
  :: old == PARKED_CONDVAR ->
#ifndef BROKEN_UNPARK_NO_LOCK
     ParkerCore_Unpark_lock_unlock(i);
#endif
     ParkerCore_Unpark_condvar(i)
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

proctype Parker(byte me) {
  byte got;                         /* harness: tokens taken */
  byte result;                      /* ParkResult being returned */
  byte old;
  byte j;                           /* ReleaseDriver: index into parkers_ */
  bool has_deadline, passed;        /* ParkFor(d) vs Park(); Passed() */
  bool woken, io, timed_out;        /* DriverTurn / WaitUntil result */
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
      * Called from ParkImpl, TurnDriver and ParkOnCondvar, never holding a
      * parker's mutex; continues at Park_return.                           */
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
/* if (condvar_sleepers_.load() == 0) return;  (HandOffIfIdle from here) */
ReleaseDriver_read_sleepers:
     atomic {
       if
       :: condvar_sleepers == 0 -> goto Park_return
       :: else
       fi
     }
/* MutexLock lock(&parkers_mu_); */
ReleaseDriver_lock_parkers:
     atomic { parkers_mu == 0 -> parkers_mu = _pid + 1 }
/* for (core : parkers_) if (core->state.load() != kParkedCondvar) continue;
 * one load per iteration; after the last one, return (~MutexLock). */
ReleaseDriver_load_state:
     atomic {
       if
       :: state[j] == PARKED_CONDVAR
       :: else ->
          j++;
          if
          :: j == NPARKERS ->                  /* ~MutexLock (folded) */
             j = 0; assert(parkers_mu == _pid + 1); parkers_mu = 0;
             goto Park_return
          :: else -> goto ReleaseDriver_load_state
          fi
       fi
     }
/* core->mu.Lock(); core->mu.Unlock(); as in Unpark, one step. */
ReleaseDriver_lock_unlock:
     atomic { mu[j] == 0 }
/* core->cv.Signal(); return; (no state change: not kNotified), and
 * ~MutexLock: parkers_mu_.Unlock() (folded). */
ReleaseDriver_signal:
     atomic {
       cv_waiting[j] = false; j = 0;
       assert(parkers_mu == _pid + 1); parkers_mu = 0; goto Park_return
     }

     /* ------------------ parker.cc Parker::ParkOnCondvar ------------------ */
/* ParkImpl: if (Passed(deadline)) return kTimedOut; (thread-local) */
ParkImpl_poll_deadline:
     atomic {
       Passed();
       if
       :: passed -> result = R_TIMED_OUT; goto Park_return
       :: else
       fi
     }
/* core.mu.Lock(); then state.compare_exchange_strong(kEmpty,
 * kParkedCondvar). */
ParkOnCondvar_lock_cas:
     atomic {
       mu[me] == 0 -> mu[me] = _pid + 1;
       if
       :: state[me] == EMPTY -> state[me] = PARKED_CONDVAR
       :: else ->
          assert(state[me] == NOTIFIED);      /* else FatalState */
          goto ParkOnCondvar_consume_unlock
       fi
     }
/* shared_->condvar_sleepers_.fetch_add(1); */
ParkOnCondvar_count_sleeper:
     condvar_sleepers++;
/* for (;;) { if (shared_->is_shut_down()) -> the exchange below. */
ParkOnCondvar_check_shutdown:
     atomic {
       if
       :: shut_down -> goto ParkOnCondvar_shutdown_exchange
       :: else
       fi
     }
/* if (shared_->TryLockDriver()): as TryLockDriver_cas above. */
ParkOnCondvar_try_driver:
     atomic {
       if
       :: !driver_locked -> driver_locked = true
       :: else -> goto ParkOnCondvar_wait
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
 * core.mu.Unlock(); return TurnDriver(deadline); */
ParkOnCondvar_to_driver_uncount_unlock:
     atomic {
       condvar_sleepers--;
       assert(mu[me] == _pid + 1); mu[me] = 0;
       goto TurnDriver_check_shutdown
     }
/* An unpark came first: state.exchange(kEmpty) (it is kNotified). */
ParkOnCondvar_handback_exchange:
     atomic {
       assert(state[me] == NOTIFIED); state[me] = EMPTY; result = R_NOTIFIED
     }
/* condvar_sleepers_.fetch_sub(1); core.mu.Unlock(); then
 * shared_->ReleaseDriver(); return kNotified. */
ParkOnCondvar_handback_uncount_unlock:
     atomic {
       condvar_sleepers--;
       assert(mu[me] == _pid + 1); mu[me] = 0; goto ReleaseDriver_unlock
     }
/* cv.Wait(&mu) / cv.WaitUntil(&mu, deadline) (mutex.h): atomically
 * release mu and join the wait queue. */
ParkOnCondvar_wait:
     atomic {
       assert(!sd_at_entry);               /* (c): a later park never blocks */
       assert(mu[me] == _pid + 1);
       mu[me] = 0; cv_waiting[me] = true
     }
/* ... blocked until Signal, a spurious wakeup, or the deadline ... */
ParkOnCondvar_woken:
     atomic {
       if
       :: !cv_waiting[me]
       :: spurious_left > 0 -> spurious_left--; cv_waiting[me] = false
       :: has_deadline -> cv_waiting[me] = false; passed = true;
                          timed_out = true
       fi
     }
/* ... and reacquire mu before returning; then
 * if (state.compare_exchange_strong(kNotified, kEmpty)) -> kNotified;
 * then (thread-local) if (timed_out || Passed(deadline)) -> the exchange
 * below; else spurious (or a hand-off signal): back to the loop head. */
ParkOnCondvar_relock_cas_notified:
     atomic {
       mu[me] == 0 -> mu[me] = _pid + 1;
       if
       :: state[me] == NOTIFIED ->
          state[me] = EMPTY; result = R_NOTIFIED; timed_out = false;
          goto ParkOnCondvar_uncount_unlock
       :: else
       fi;
       Passed();
       if
       :: timed_out || passed -> timed_out = false
       :: else -> goto ParkOnCondvar_check_shutdown
       fi
     }
/* old = state.exchange(kEmpty): kNotified, else kTimedOut. */
ParkOnCondvar_timeout_exchange:
     atomic {
       old = state[me]; state[me] = EMPTY;
       assert(old == NOTIFIED || old == PARKED_CONDVAR);   /* FatalState */
       if
       :: old == NOTIFIED -> result = R_NOTIFIED
       :: else -> result = R_TIMED_OUT
       fi;
       old = 0;
       goto ParkOnCondvar_uncount_unlock
     }
/* shutdown seen: state.exchange(kEmpty) == kNotified ? kNotified :
 * kShutdown. */
ParkOnCondvar_shutdown_exchange:
     atomic {
       if
       :: state[me] == NOTIFIED -> result = R_NOTIFIED
       :: else -> assert(state[me] == PARKED_CONDVAR); result = R_SHUTDOWN
       fi;
       state[me] = EMPTY
     }
/* after the loop: condvar_sleepers_.fetch_sub(1); core.mu.Unlock();
 * return result; */
ParkOnCondvar_uncount_unlock:
     atomic {
       condvar_sleepers--;
       assert(mu[me] == _pid + 1); mu[me] = 0;
#ifdef NO_HANDOFF_PASS_ON
       goto Park_return
#else
       skip
#endif
     }
#ifndef NO_HANDOFF_PASS_ON
/* Parker::ParkOnCondvar's exit: if (!shared_->driver_locked())
 * shared_->HandOffIfIdle(); where HandOffIfIdle is ReleaseDriver after
 * its store. */
ParkOnCondvar_pass_on_load_lock:
     atomic {
       if
       :: driver_locked -> goto Park_return
       :: else -> goto ReleaseDriver_read_sleepers
       fi
     }
#endif
/* the first CAS failed, so it is kNotified: state.exchange(kEmpty);
 * core.mu.Unlock(); return kNotified (never counted as a sleeper). */
ParkOnCondvar_consume_unlock:
     atomic {
       assert(state[me] == NOTIFIED); state[me] = EMPTY; result = R_NOTIFIED;
       assert(mu[me] == _pid + 1); mu[me] = 0; goto Park_return
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
