/*
 * protocol.pml: a SPIN model of the protocol around the parker: producers
 * that push a task and then ask the idle state whom to wake, workers that
 * search, spin, park (idle-state RMW, rescan, sleep) and wake, and Drain /
 * Shutdown racing Spawn / RunAt from outside, on x86-TSO. It models the
 * runtime with the fixes for the gaps of the code before them (VARIANTS
 * keeps that code, as negative tests):
 *   - seq_cst fences: Worker::NotifyAfterLocalPush (after a local push,
 *     before NotifyParked's load of the idle state: Schedule, the LIFO
 *     cap, OfferMovedWork), Worker::ParkUntilWork (after
 *     TransitionWorkerToParked, before the rescan), Worker::RunTask (after
 *     TransitionWorkerFromSearching, before the last searcher's look);
 *   - Drain closes the inject queue first thing (after storing draining_),
 *     so an outside Spawn's push lands before the close (and is counted
 *     before Drain counts) or is refused; Drain then waits until
 *     intake_ == 0 && LiveTasks() == 0;
 *   - the intake_ gate for an outside RunAt: intake_.fetch_add(1), check
 *     draining_ / shut_down_, add the timer or refuse, fetch_sub(1);
 *     Shutdown stores shut_down_ (seq_cst) and waits for intake_ == 0
 *     before it closes the queue and, later, cancels the timers;
 *   - the last searcher's deferred wakeup (searcher_wake_delay_us > 0, the
 *     default): work only in its own queue gets a driver timer whose
 *     callback wakes a worker if anything is queued; a worker about to
 *     park cancels it under deferred_mu_ only if nothing is queued; the
 *     callback resets deferred_wake_ only if it is still its own
 *     generation; Shutdown drops it before counting the caller's timers;
 *     a worker at a task boundary may find it due, drop its timer and do
 *     what the callback does (CheckDeferredWake).
 * The code it follows:
 *   lib/park/runtime/worker.cc    Worker::Run, NextLocalTask, PullInject,
 *                                 TakeInjectBatch, OfferMovedWork,
 *                                 NotifyAfterLocalPush, Search, SpinSearch,
 *                                 RunTask, Schedule, ParkUntilWork
 *   lib/park/runtime/runtime_core.cc  RuntimeCore::SpawnTask, RunTaskAt
 *                                 (IntakeGuard), NotifyParked, WorkPending,
 *                                 WorkPendingBesides, DeferWake (and its
 *                                 timer's callback), CheckDeferredWake,
 *                                 CancelDeferredWakeIfNothingQueued,
 *                                 DropDeferredWake, LiveTasks, Drain,
 *                                 Shutdown
 *   lib/park/runtime/local_queue  TryPushBack, Pop, StealInto(2)
 *   lib/park/runtime/inject_queue Push, PopBatch, Close, size()
 *   lib/park/idle/idle.{h,cc}     WorkerToNotify, NotifyShouldWakeup,
 *                                 TransitionWorkerToSearching, ...FromSearching,
 *                                 ...ToParked, IsParked
 * The parker itself is abstracted (parker.pml checks it).
 *
 * Run: tests/model/check_model.sh tests/model/protocol.pml pass
 * check_model.sh runs one safety search and one non-progress search per
 * "@check" line (the flags go to spin -a):
 * @check -DSCENARIO_SPAWN -DEXTRA_LEAF
 * @check -DSCENARIO_SPAWN -DEXTRA_LEAF -DWAIT_FOR_LEAF
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DDRAIN_CHILD -DRUN_AT
 * (protocol_deferred_shutdown.pml adds the drain with the deferred wakeup:
 * -DSCENARIO_DRAIN -DSTART_PARKED -DEXTRA_LEAF.)
 *
 * THREADS AND TASKS
 *   Worker(0), Worker(1)  Worker::Run's loop. Both start unparked at the
 *                         loop head (START_PARKED: both asleep in the
 *                         sleepers set).
 *   Spawner               SpawnTask from outside: task P (and,
 *                         with EXTRA_LEAF, then task L) into the inject
 *                         queue, then NotifyParked.
 *   TimerSetter (RUN_AT)  RunTaskAt from outside, with a deadline
 *                         after the run: the timer never fires, so it is
 *                         live until Shutdown cancels it. RUN_AT_ONLY: no
 *                         Spawner.
 *   Drainer               Drain(deadline), then Shutdown
 *                         (SHUTDOWN_ONLY: Shutdown alone).
 *   DeferredTimer         the driver firing DeferWake's timers, and their
 *                         callback (see the proctype: when it may fire).
 *   Flusher               drains the store buffers (TSO below).
 *   Checker               runs the final assertions once nothing else can
 *                         move (SPIN's timeout).
 *   P, when run, spawns CHILD from its worker (SpawnTask on a worker:
 *   Worker::Schedule) into that worker's local queue and calls
 *   NotifyAfterLocalPush. The LIFO slot is not modelled: this is Schedule's path
 *   for a spawn that displaces the LIFO slot's occupant into the local
 *   queue (CHILD stands for that occupant), the same push-then-notify as a
 *   yielded task and as NextLocalTask's LIFO cap when other work is
 *   queued (behind nothing, the cap's push is popped at once by the same
 *   worker and notifies nobody: no task of P's kind can strand it). In
 *   SCENARIO_SPAWN, P then blocks until CHILD has run (a task that waits
 *   for work it spawned): if CHILD is stranded, P's worker never comes
 *   back for it.
 *   In SCENARIO_DRAIN (DRAIN_CHILD) P returns at once: CHILD is inside
 *   work that Drain must wait for, counted by spawned_.
 *   WAIT_FOR_LEAF (with SCENARIO_SPAWN, EXTRA_LEAF): P spawns nothing
 *   and waits until L has run: a task blocked on work queued behind it
 *   from outside, the case the deferred wakeup's timer is for (a worker
 *   that takes P and L in one batch runs P and holds L in its own queue).
 *   SCENARIO_SPAWN: Spawner and the two workers, no Drain. Property (1).
 *   SCENARIO_DRAIN: Spawner (P, with DRAIN_CHILD its CHILD), TimerSetter
 *   (RUN_AT), Drainer, the workers (exit on shutdown). Property (2).
 *
 * GRANULARITY
 *   One Promela step (an atomic block) = one C++ atomic operation, labelled
 *   with the function and step, with thread-local work folded into it.
 *   Folded further, each argued:
 *   - A mutex critical section is one step when it makes one change others
 *     can see without the mutex (lock: a right mover, unlock: a left
 *     mover): TransitionWorkerToParked (state_ fetch_sub; in_sleepers_[w]
 *     is read unlocked only by w, which is not running this), PopBatch.
 *     WorkerToNotify is two steps, the re-check and the fetch_add + take +
 *     unlock, because TransitionWorkerTo/FromSearching change state_
 *     without the mutex and can land between them.
 *   - InjectQueue::Push (pushes_ fetch_add, then the CAS) is one step: the
 *     count made early only overstates size() and LiveTasks() for a moment
 *     (a spurious wakeup, a longer drain). PopBatch's unlocked peek is
 *     folded into its locked pop (a peek that sees empty at t is a pop at
 *     t that finds nothing).
 *   - StealInto is two steps: the loads that find the victim empty (no
 *     CAS), else the claim CAS, copy and finishing CAS as one step (with
 *     two workers nobody else steals; the owner's pop during the steal
 *     ends as if after it; the queues never fill).
 *   - The flag loads in Spawn/RunAt (draining_, shut_down_) are one step:
 *     flags only go from false to true, so "both false" read apart holds
 *     at the first load's instant, and "one true" at the last's. So are
 *     LiveTasks' finished loads, then its started loads: all counters
 *     only grow, so "finished == started" read apart (started after
 *     finished) implies it read at those two instants.
 *   - A polling loop (Drain's sleep_for) is one blocking step: a poll
 *     that reads what the previous one read does what it did, so the
 *     model sleeps until something it reads has changed, or the deadline.
 *   Not modelled: the LIFO slot; PullInjectToLocal (a worker with local
 *   work finding the inject queue non-empty: never here, asserted); driver
 *   turns (PollDriver, in_park_, deferred_notify_, I/O; of the timers only
 *   DeferWake's fire, as DeferredTimer); deferred_armed_'s value (the
 *   hint is modelled as free to read false, which only skips a cancel or
 *   a boundary check); the clock (a boundary may find the deferral due at
 *   any moment);
 *   overflow into the inject queue (queues hold 4, at most 3 tasks
 *   exist); UnparkWorkerById (only a worker woken by a driver event with
 *   work of its own gets there); a Park that returns without an unpark
 *   (the woken worker finds itself still parked and sleeps on: no new
 *   path); a second Drain or Shutdown caller (shutdown_mu_, CallGuard:
 *   the runtime's race tests force those); more than 2 workers.
 *
 * TSO (x86's memory model)
 *   Each thread has a FIFO store buffer sb[t] of (location, value). A plain
 *   store (mov) appends to it; the Flusher moves the oldest entry of any
 *   buffer to memory at any moment; a load reads the thread's newest
 *   buffered value for that location, else memory. A fence (lock or) or
 *   any locked instruction (RMW, CAS, xchg, so also a seq_cst store and
 *   glibc's mutex lock and unlock) waits until its thread's buffer is
 *   empty: DRAINED(t) guards the step it begins. Waiting for the Flusher
 *   instead of draining in place is the standard encoding and reaches the
 *   same states (the Flusher may drain at any moment before).
 *   Which stores are movs (gcc 12 -O2 on x86-64, checked: a release or
 *   relaxed store is a mov, a seq_cst store an xchg, a seq_cst load a
 *   mov, a seq_cst fence lock or):
 *     LocalQueue::tail_ (store release: TryPushBack, StealInto's publish)
 *     Worker::completed_, spawned_ (Bump: store release), SCENARIO_DRAIN
 *     draining_, shut_down_ only in DRAINING_RELEASE, SHUTDOWN_RELEASE
 *     (the code stores them seq_cst)
 *   Every other shared write on these paths is locked: state_, the head_
 *   CASes, pushes_ / incoming_, in_sleepers_ and ready_len_ stores
 *   (seq_cst), intake_, the parker's state exchange, the mutexes. Only the owner writes its tail_, completed_, spawned_,
 *   so its own reads of them are its newest value (vtail; the counters'
 *   owner view), and other threads read memory. Thread exit (join)
 *   drains the buffer. The slot writes before a tail_ store are not
 *   buffered: nobody reads a slot before it sees the tail_ past it, and
 *   TSO keeps the slot store ahead of the tail store.
 *
 * PROPERTIES, AND HOW EACH IS EXPRESSED
 *   (1) No accepted task is stranded (SCENARIO_SPAWN). Workers sleep at an
 *       end label (end_ParkUntilWork_park), so a state where both sleep is
 *       a legitimate end state; the Checker, run by timeout (no other
 *       thread can move: buffers drained, workers asleep, Spawner done),
 *       asserts that every task Spawn or Schedule accepted has run. A task
 *       stranded in a queue leaves P blocked in its wait for CHILD (not an
 *       end label: an invalid end state too) or fails that assertion. The
 *       non-progress search finds no cycle, so every execution reaches
 *       such a final state: every accepted task runs, without fairness.
 *   (2) A drain that reports completed dropped nothing (SCENARIO_DRAIN).
 *       Drain's report says completed = false if Shutdown abandoned
 *       anything (for work its count cannot foresee, an I/O event's
 *       task), so the report is honest by construction; what the model
 *       proves is that the decision before Shutdown is right, so that
 *       second look never has to change it for the work modelled: when
 *       Drain reads intake_ == 0 and LiveTasks() == 0, every accepted task
 *       has run (asserted there), and after Shutdown assert(!decided ||
 *       (tasks_abandoned == 0 && timers_abandoned == 0)). The Checker, at
 *       the end: every accepted task ran or was counted abandoned, exactly
 *       once; no timer is left in the driver after Shutdown, and a timer
 *       RunAt accepted was counted as abandoned (none fires here).
 *   Also asserted: the FatalState checks of Idle (searching count > 0 on
 *   TransitionWorkerFromSearching; not already parked on ...ToParked),
 *   LiveTasks() never below 0 (started read >= finished read), the bounds
 *   (store buffers, queues), and that the fences after a locked RMW
 *   (ParkUntilWork's, RunTask's) have nothing to drain (NO_PARK_FENCE).
 *
 * VARIANTS (cpp -D, or a #define before #include "protocol.pml")
 *   NO_PRODUCER_FENCE   the code before the fix: Schedule called
 *     NotifyParked right after its push, no fence (OfferMovedWork had
 *     one). FAILS (protocol_no_producer_fence.pml, SCENARIO_SPAWN): W1
 *     pulls P and L, pushes L (fenced, OfferMovedWork), runs P; P pushes
 *     CHILD (its tail_ store buffered) and reads the idle state: both
 *     workers unparked, wake nobody. W0 steals L, runs it, searches again
 *     (W1's tail in memory is still old), spins, parks, rescans (still
 *     old) and sleeps. The store drains; P waits for CHILD forever.
 *   NO_PARK_FENCE       no fence after TransitionWorkerToParked (and none
 *     after TransitionWorkerFromSearching in RunTask). VERIFIES under TSO,
 *     with the same states: the mutex and the RMW before each are locked
 *     instructions, which drain the buffer, and no store of these paths
 *     follows before the loads; the model asserts the buffer is empty
 *     there. The fences are for the C++ memory model (and ARM), where a
 *     seq_cst RMW does not order later acquire loads after it: outside
 *     what a TSO model can show, so there is no negative test for them.
 *   DRAIN_RACE          the code before the fix: Drain closed the inject
 *     queue only in Shutdown, and neither Drain nor Shutdown waited for
 *     intake_ (RunAt had no gate). FAILS (protocol_drain_race.pml): Spawn
 *     reads draining_ false; Drain stores it, reads LiveTasks() == 0 and
 *     decides completed, Shutdown sets shut_down_; the push lands before
 *     Close; the workers leave; Shutdown drops P. With RUN_AT_ONLY
 *     (protocol_run_at_race.pml): RunAt's check passes, Drain completes and
 *     Shutdown cancels nothing, then the timer is added: left in the
 *     driver after Shutdown.
 *   SHUTDOWN_RELEASE    shut_down_ stored with release (a mov) instead of
 *     seq_cst. FAILS with SHUTDOWN_ONLY and an outside RunAt
 *     (protocol_shutdown_release.pml): the store sits in the Drainer's
 *     buffer while AwaitIntakeClosed reads intake_ == 0; RunAt's
 *     fetch_add, then its load of shut_down_ (still false in memory), then
 *     its timer after CancelAllTimers.
 *   DRAINING_RELEASE    draining_ stored with release. VERIFIES under TSO:
 *     inject_.Close() right after it takes a mutex (a locked instruction)
 *     before Drain reads intake_. Under the C++ model a mutex's acquire
 *     does not order that store before that load: seq_cst it stays.
 *   The deferred wakeup, each with its own file and test:
 *   DEFERRED_TIMER_NEVER_FIRES  FAILS (protocol_deferred_never_fires.pml,
 *     WAIT_FOR_LEAF): without the timer, L waits behind P forever.
 *   CANCEL_ON_WAKEUP    the first version, which cancelled the timer after
 *     every wakeup NotifyParked sent. FAILS (protocol_cancel_on_wakeup.pml):
 *     the wakeup for L began before the deferral and ended after it.
 *   NO_DROP_DEFERRED    Shutdown without DropDeferredWake. FAILS
 *     (protocol_shutdown_keeps_deferred.pml, the drain with EXTRA_LEAF):
 *     the timer is still pending and counted as the caller's.
 *   By hand: NO_WAKE_DELAY (delay 0: the last searcher wakes at once, the
 *   code before the deferral) VERIFIES on both SCENARIO_SPAWN lines.
 *   NO_BOUNDARY_CHECK (the timer alone, the code before CheckDeferredWake)
 *   VERIFIES on all three lines: the boundary only brings the wakeup
 *   forward, and the timer stays the backstop (DEFERRED_TIMER_NEVER_FIRES
 *   still FAILS with the boundary check: the waiting task is never at a
 *   boundary). BOUNDARY_WITHOUT_NOTIFY (the boundary drops the timer and
 *   wakes nobody) VERIFIES too, with two workers: the other worker that
 *   can be at a boundary is awake, and searches before it parks; with
 *   three or more (not modelled) the notify is what wakes a sleeper for
 *   the queued work, so the model does not show that it is needed.
 *   CANCEL_WITHOUT_LOOK (the cancel without its WorkPending look) VERIFIES
 *   with two workers: the one worker that can cancel is about to park, and
 *   its rescan after TransitionWorkerToParked sees what the look would
 *   have; with three or more (not modelled) the look is what protects a
 *   timer deferred by a second busy worker. NO_DEFER_GENERATION (the
 *   callback resets whatever deferred_wake_ names) needs two deferrals
 *   in one run, which these scenarios do not reach: no violation within
 *   120 s of the drain line with EXTRA_LEAF; not shown by the model.
 *   By hand (each FAILS, SCENARIO_DRAIN as in the @check line):
 *   DRAIN_LIVE_FIRST (Drain reads LiveTasks() before intake_: a RunAt in
 *   the gate counts its timer after the first read and leaves before the
 *   second), NO_SHUTDOWN_INTAKE_WAIT (a RunAt in the gate when Drain's
 *   deadline passes adds its timer after CancelAllTimers; also with
 *   SHUTDOWN_ONLY), and in SCENARIO_SPAWN LAST_SEARCHER_RESCAN_ONLY
 *   (Tokio's rule: only the last searcher rescans; a worker that parks
 *   without having searched strands CHILD, even with every fence).
 *   Other switches: SCENARIO_SPAWN / SCENARIO_DRAIN (one is required),
 *   EXTRA_LEAF, WAIT_FOR_LEAF, START_PARKED, DRAIN_CHILD, RUN_AT, RUN_AT_ONLY,
 *   SHUTDOWN_ONLY, SPIN_ROUNDS (default 1: SpinSearch's rounds; 0: no
 *   spin).
 *
 * STATUS: the @check lines verify, and so do NO_PARK_FENCE and
 *   DRAINING_RELEASE (see VARIANTS). States stored and time on the 2-core
 *   dev machine (safety / non-progress search; pan -DCOLLAPSE, gcc -O2;
 *   the machine was shared, so times vary), with the deferred wakeup and
 *   its boundary check (2026-12-01):
 *     SCENARIO_SPAWN -DEXTRA_LEAF          941k / 1.88M states, 1 s / 3 s
 *       with WAIT_FOR_LEAF                 626k / 1.25M, 1 s / 3 s
 *     SCENARIO_DRAIN -DSTART_PARKED
 *       -DDRAIN_CHILD -DRUN_AT             1.08M / 2.15M, 3 s / 8 s
 *     protocol_deferred_shutdown.pml       15.1M / 30.2M, 23 s / 118 s
 *                                          (1.9 GB)
 *   Without the boundary check these were 831k / 1.66M, 551k / 1.10M,
 *   1.00M / 2.00M and 6.3M / 12.7M (940 MB). Before the deferred wakeup
 *   (the code of 2f7e8a4) the first and third were 310k / 620k and
 *   833k / 1.67M; the figures below are from then.
 *   check_model.sh on this file: about 40 s (six pan compiles of about
 *   4 s each included; 27 s before the deferred wakeup); each negative test about 1 s (pan built
 *   with -O0; the violation is found within 2k states, 112-420 for the
 *   drain ones).
 *   Other configurations that verify (by hand, both searches):
 *     SCENARIO_SPAWN alone                  50k / 101k
 *     SCENARIO_SPAWN -DSTART_PARKED         2.4k / 4.7k
 *       with EXTRA_LEAF                    137k / 274k
 *     SCENARIO_SPAWN -DEXTRA_LEAF, SPIN_ROUNDS=0: 226k / 452k; =2: 790k /
 *       1.58M
 *     the SCENARIO_DRAIN line with SHUTDOWN_ONLY 270k / 540k, with
 *       SPIN_ROUNDS=0 574k / 1.15M, and without START_PARKED (the workers
 *       start unparked) 11.8M / 23.7M (21 s / 182 s; the suite starts them
 *       asleep: the parking races are SCENARIO_SPAWN's subject).
 *   NO_PRODUCER_FENCE fails in each of those SCENARIO_SPAWN configurations
 *   (SPIN_ROUNDS=0 and 2 tried) but one: START_PARKED without EXTRA_LEAF,
 *   where the worker woken for P is the only one awake, so P's notify
 *   finds the other parked and takes the mutex (a locked instruction)
 *   before it wakes it: the window needs the other worker to be on its
 *   way to park while CHILD is pushed.
 */

#ifdef RUN_AT_ONLY
#define RUN_AT
#endif

#if defined(SCENARIO_SPAWN) == defined(SCENARIO_DRAIN)
#error "define exactly one of SCENARIO_SPAWN, SCENARIO_DRAIN"
#endif

/* ------------------------------ sizes ---------------------------------- */
#define NW      2              /* workers */
#define QCAP    4              /* slots per local queue (never full here) */
#define INJCAP  2              /* inject queue entries */
#define BUFSZ   4              /* store-buffer entries per thread */
#define T_DRAIN NW             /* the Drainer's store buffer */
#define NT      (NW + 1)       /* threads with a store buffer */
#define T_NONE  NT             /* a thread whose stores are all locked */
#define NTASK   4              /* task ids 1..3; 0 is "no task" */

/* Whether P spawns CHILD (always in SCENARIO_SPAWN). */
#if (defined(SCENARIO_SPAWN) && !defined(WAIT_FOR_LEAF)) || defined(DRAIN_CHILD)
#define PARENT 1
#else
#define PARENT 0
#endif

#ifndef SPIN_ROUNDS
#define SPIN_ROUNDS 1          /* SpinSearch rounds before parking */
#endif

/* Tasks. P is a parent: it spawns CHILD from its worker (Worker::Schedule,
 * the local queue) and, in SCENARIO_SPAWN, waits until CHILD has run. L is
 * a leaf from outside (SCENARIO_SPAWN with EXTRA_LEAF). */
#define NONE  0
#define P     1
#define CHILD 2
#define L     3

/* Store-buffer locations (each thread buffers only its own words). */
#define L_FREE      0
#define L_TAIL      1          /* LocalQueue::tail_ of the worker's queue */
#define L_COMPLETED 2          /* Worker::completed_ */
#define L_SPAWNED   3          /* Worker::spawned_ */
#define L_DRAINING  4          /* RuntimeCore::draining_ (Drainer) */
#define L_SHUT_DOWN 5          /* RuntimeCore::shut_down_ (Drainer) */

/* ------------------------------ memory --------------------------------- */
typedef StoreBuffer {
  byte loc[BUFSZ];
  byte val[BUFSZ];
  byte used
};
StoreBuffer sb[NT];

/* LocalQueue per worker: slot ids, head_ (always in memory: only CASes
 * write it), tail_ as memory holds it, and as its owner sees it (its
 * newest store, which a load of its own forwards from the buffer). */
byte slot[NW * QCAP];
byte head[NW];
byte tail[NW];
byte vtail[NW];

/* InjectQueue: FIFO of ids, closed_, pushes_ (accepted()). */
byte inj[INJCAP];
byte inj_n;
bool inj_closed;
byte accepted;

/* Idle: state_ = {unparked, searching}, sleepers_ (in_sleepers_), mu_. */
byte nunparked = NW;
byte nsearch;
bool insl[NW];
byte idle_mu;                  /* 0 free, else thread + 1 */

/* Parker, abstracted: a binary token (Unpark sets it, Park consumes it or
 * blocks), and SharedDriver::Shutdown's flag (Park returns kShutdown). */
bool notified[NW];
bool park_sd;

/* The last searcher's deferred wakeup (RuntimeCore::DeferWake): dmu is
 * deferred_mu_ (0 free, else thread + 1), dw is "deferred_wake_ is set",
 * dgen is deferred_generation_. The driver holds the timer deferred_wake_
 * names while dt_tracked, and dt_other more of DeferWake's timers no
 * field names (only NO_DEFER_GENERATION makes one). */
byte dmu;
bool dw;
byte dgen;
bool dt_tracked;
byte dt_other;
bool dcb;                      /* a popped timer's callback is running */

/* Runtime */
bool draining;
bool shut_down;
byte intake;                   /* RunAt's gate (IntakeGuard) */
byte completed[NW];            /* Worker::completed_ as memory holds it */
byte spawned[NW];              /* Worker::spawned_ */
byte timers_added;
byte timers_in_driver;         /* timers the driver holds */

/* Ghosts */
bool ok[NTASK];                /* accepted: Spawn/Schedule returned OK */
bool ran[NTASK];
bool dropped[NTASK];           /* counted in tasks_abandoned */
bool exited[NW];
bool timer_ok;                 /* RunAt returned OK */
byte tasks_abandoned;
byte timers_abandoned;
bool drain_completed;          /* DrainReport::completed */
bool shutdown_done;

/* --------------------------- store buffers ----------------------------- */
/* The oldest store of thread t reaches memory. */
inline sb_commit(t) {
  if
  :: sb[t].loc[0] == L_TAIL      -> tail[t] = sb[t].val[0]
  :: sb[t].loc[0] == L_COMPLETED -> completed[t] = sb[t].val[0]
  :: sb[t].loc[0] == L_SPAWNED   -> spawned[t] = sb[t].val[0]
  :: sb[t].loc[0] == L_DRAINING  -> draining = sb[t].val[0]
  :: sb[t].loc[0] == L_SHUT_DOWN -> shut_down = sb[t].val[0]
  fi;
  sb[t].loc[0] = sb[t].loc[1]; sb[t].val[0] = sb[t].val[1];
  sb[t].loc[1] = sb[t].loc[2]; sb[t].val[1] = sb[t].val[2];
  sb[t].loc[2] = sb[t].loc[3]; sb[t].val[2] = sb[t].val[3];
  sb[t].loc[3] = L_FREE;       sb[t].val[3] = 0;
  sb[t].used--
}
/* A plain store (mov): into the buffer. */
inline sb_store(t, l, v) {
  assert(sb[t].used < BUFSZ);
  sb[t].loc[sb[t].used] = l; sb[t].val[sb[t].used] = v; sb[t].used++
}
/* mfence / any locked instruction waits until thread t's buffer has
 * drained: the guard of the step it begins (see TSO). */
#define DRAINED(t) ((t) >= NT || sb[t].used == 0)

#ifdef NO_PRODUCER_FENCE
#define PRODUCER_FENCE_ON false
#else
#define PRODUCER_FENCE_ON true
#endif
/* The seq_cst fences after a locked RMW (ParkUntilWork's, RunTask's after
 * TransitionWorkerFromSearching) have nothing to drain under TSO: the RMW
 * drained the buffer and no store of these paths follows it. Asserted at
 * the next load, where a step of their own would only add states. */
#ifdef NO_PARK_FENCE
#define PARK_FENCE false
#else
#define PARK_FENCE true
#endif

/* ------------------------------ queues --------------------------------- */
#define SLOT(w, pos) slot[(w) * QCAP + (pos) % QCAP]
/* The owner's view of its queue's length (its own tail forwarded). */
#define OWN_SIZE (vtail[me] - head[me])
/* LocalQueue::TryPushBack: slot store, then tail_.store(release): a mov. */
inline PUSH_OWN(x) {
  assert(vtail[me] - head[me] < QCAP);
  SLOT(me, vtail[me]) = x;
  vtail[me]++;
  sb_store(me, L_TAIL, vtail[me])
}
/* Takes the front of queue w (a head_ CAS: the caller's step is guarded
 * by DRAINED). */
inline TAKE_FRONT(w, x) {
  x = SLOT(w, head[w]); SLOT(w, head[w]) = NONE; head[w]++
}
inline INJ_PUSH(x) {
  assert(inj_n < INJCAP); inj[inj_n] = x; inj_n++
}
inline INJ_POP(x) {
  x = inj[0]; inj[0] = inj[1]; inj[1] = NONE; inj_n--
}

/* ---------------------- RuntimeCore::NotifyParked ---------------------- *
 * w = idle_->WorkerToNotify(); if (w >= 0) workers_[w]->Unpark().
 * Uses the caller's locals np_go and np_w; t is the caller's buffer.    */
inline NotifyParked(t) {
  /* Idle::NotifyShouldWakeup: state_.load(): a plain load, from memory
   * (nobody buffers state_: only RMWs write it). */
  atomic { np_go = (nsearch == 0 && nunparked < NW) };
  if
  :: np_go ->
     /* MutexLock lock(&mu_) (lock cmpxchg); the re-check; sleepers_.empty() */
     atomic {
       idle_mu == 0 && DRAINED(t) ->
       if
       :: nsearch == 0 && nunparked < NW && (insl[0] || insl[1]) ->
          idle_mu = t + 1
       :: else -> np_go = false            /* return -1; ~MutexLock */
       fi
     };
     if
     :: np_go ->
        /* state_.fetch_add(kUnparkedOne | kSearchingOne);
         * TakeSleeperLocked() (either sleeper: covers every WakePolicy);
         * ~MutexLock */
        atomic {
          nunparked++; nsearch++;
          if
          :: insl[0] -> np_w = 0
          :: insl[1] -> np_w = 1
          fi;
          insl[np_w] = false;
          idle_mu = 0
        };
        /* Unparker::Unpark: the parker's state exchange (locked) */
        atomic { DRAINED(t) -> notified[np_w] = true; np_go = false; np_w = 0 }
#ifdef CANCEL_ON_WAKEUP
        /* the first version of the deferred wakeup: after a wakeup, the
         * deferred one is cancelled, whatever is queued */
        ;
        atomic {
          dmu == 0 ->
          if
          :: dw -> dt_tracked = false; dw = false
          :: else
          fi
        }
#endif
     :: else
     fi
  :: else
  fi
}

/* -------------------- Worker::NotifyAfterLocalPush --------------------- *
 * fence(seq_cst) (the fix; NO_PRODUCER_FENCE: none, as Schedule and the
 * LIFO cap called NotifyParked before it), then NotifyParked().         */
inline NotifyAfterLocalPush(fenced) {
  atomic { (!fenced || DRAINED(me)) -> skip };
  NotifyParked(me)
}

/* ---------------------- RuntimeCore::WorkPending ----------------------- *
 * !inject_.empty(), then each worker's !local().empty(), in index order;
 * seq_cst / acquire loads: plain loads, a worker's own tail forwarded
 * from its buffer. Sets the caller's wp.                                 */
#define LOCAL_SIZE(w) (((w) == me -> vtail[w] : tail[w]) - head[w])
inline WorkPending(after_park_fence) {
  atomic {
    /* the fence before this look has nothing to drain (PARK_FENCE) */
    if
    :: after_park_fence -> assert(sb[me].used == 0)
    :: else
    fi;
    wp = (inj_n > 0)
  };
  if
  :: !wp ->
     atomic { wp = (LOCAL_SIZE(0) > 0) };
     if
     :: !wp -> atomic { wp = (LOCAL_SIZE(1) > 0) }
     :: else
     fi
  :: else
  fi
}

/* ------------------------------ Worker --------------------------------- */
/* PullInject's callers, for its return. */
#define RET_NEXT        1      /* NextLocalTask's first PullInject */
#define RET_NEXT_END    2      /* NextLocalTask's last line */
#define RET_SEARCH_LOOP 3      /* Search() from the worker loop */
#define RET_SEARCH_SPIN 4      /* Search() from SpinSearch */

#ifdef SCENARIO_DRAIN
#define BUMP_SPAWNED()   my_spawned++; sb_store(me, L_SPAWNED, my_spawned)
#define BUMP_COMPLETED() my_completed++; sb_store(me, L_COMPLETED, my_completed)
#else
/* Nobody reads the counters in SCENARIO_SPAWN. */
#define BUMP_SPAWNED()   skip
#define BUMP_COMPLETED() skip
#endif

proctype Worker(byte me) {
  byte task;                   /* the task in hand */
  byte extra;                  /* PullInject: the batch's second task */
  byte n, k;
  byte ret;                    /* PullInject's caller */
  byte spins;                  /* SpinSearch rounds done */
  byte np_w;
  bool np_go, wp, last, searching, own;
  byte my_completed, my_spawned;   /* the owner's view of its counters */

#ifdef START_PARKED
  goto ParkUntilWork_loop;
#endif

/* Worker::Run: if (runtime_.shut_down_.load(relaxed)) break; */
Run_top:
  atomic {
    if
    :: shut_down -> goto Run_exit
    :: else
    fi
  }

  /* ------------------------- Worker::NextLocalTask ----------------------- *
   * No LIFO slot (see TASKS), no driver poll (no timers fire, no I/O).   */
/* if (runtime_.DeferredWakePending()) runtime_.CheckDeferredWake(): the
 * delay may be over at any boundary (the clock: a free choice). Under
 * deferred_mu_ (lock cmpxchg), if (deferred_wake_) DropDeferredWakeLocked()
 * (the timer out of the driver, if it is still there; a callback already
 * popped finds its generation still current and resets nothing more);
 * unlock; then NotifyIfWorkPending(). One step up to the unlock, as
 * DeferWake. The hint may read stale: a stale false is the choice to skip,
 * a stale true finds !dw under the lock and returns. NO_BOUNDARY_CHECK:
 * without it (the timer alone, as before). */
NextLocalTask_deferred:
#ifndef NO_BOUNDARY_CHECK
  if
  :: true
  :: atomic {
       dw && dmu == 0 && DRAINED(me) ->
       dt_tracked = false; dw = false
     };
#ifndef BOUNDARY_WITHOUT_NOTIFY
     WorkPending(false);
     if
     :: wp -> wp = false; NotifyParked(me)
     :: else
     fi
#endif
  fi;
#endif
/* (local_.size() < kInjectLowWater ...) && !runtime_.inject_.empty():
 * with an empty local queue, PullInject; else PullInjectToLocal, which
 * these scenarios never reach (asserted; not modelled). */
NextLocalTask_inject_empty:
  atomic {
    assert(inj_n == 0 || OWN_SIZE == 0);
    if
    :: inj_n > 0 -> ret = RET_NEXT; goto PullInject_size
    :: else
    fi
  }
/* local_.Pop(): loads, and if not empty the head_ CAS (locked). */
NextLocalTask_pop:
  atomic {
    if
    :: OWN_SIZE > 0 && DRAINED(me) -> TAKE_FRONT(me, task); goto RunTask_searching
    :: OWN_SIZE == 0 -> ret = RET_NEXT_END; goto PullInject_size  /* return PullInject() */
    fi
  }

  /* ------------------ Worker::PullInject / TakeInjectBatch --------------- */
/* share = inject.size(); room = kCapacity - local_.size(); max = min(...) */
PullInject_size:
  atomic {
    n = (inj_n < QCAP - OWN_SIZE -> inj_n : QCAP - OWN_SIZE);
    if
    :: n == 0 -> goto PullInject_return
    :: else
    fi
  }
/* inject.PopBatch(batch, max): the unlocked peek and the pop under mu_
 * (lock cmpxchg). */
PullInject_pop:
  atomic {
    DRAINED(me) ->
    k = (n < inj_n -> n : inj_n);
    n = 0;
    if
    :: k > 0 -> INJ_POP(task)
    :: else -> goto PullInject_return
    fi;
    if
    :: k > 1 -> INJ_POP(extra)
    :: else -> k = 0; goto PullInject_return
    fi
  }
/* for (i = 1; i < n; ++i) local_.PushBackOrOverflow(batch[i]) */
PullInject_push_rest:
  atomic { PUSH_OWN(extra); extra = NONE; k = 0 }
/* if (n > 1) OfferMovedWork(); */
  goto OfferMovedWork;

/* Worker::OfferMovedWork: if (searching_) return;
 * NotifyAfterLocalPush() (fenced before the fix too). */
OfferMovedWork:
  if
  :: !searching -> NotifyAfterLocalPush(true)
  :: else
  fi;

PullInject_return:
  atomic {
    if
    :: task != NONE -> goto RunTask_searching
    :: task == NONE && ret == RET_NEXT -> goto NextLocalTask_pop
    :: task == NONE && ret == RET_NEXT_END -> goto Search
    :: task == NONE && ret == RET_SEARCH_LOOP -> goto SpinSearch
#if SPIN_ROUNDS > 0
    :: task == NONE && ret == RET_SEARCH_SPIN -> goto SpinSearch_next
#endif
    fi
  }

  /* ---------------------------- Worker::Search --------------------------- */
Search:
  atomic {
    ret = RET_SEARCH_LOOP;
    if
    :: searching -> goto Search_steal
    :: else
    fi
  }
Search_from_spin:
/* Idle::TransitionWorkerToSearching: state_.load(); if 2 * searching >=
 * workers return false (then: return PullInject()). */
Search_to_searching_load:
  atomic {
    if
    :: searching -> goto Search_steal
    :: 2 * nsearch >= NW -> goto PullInject_size
    :: else
    fi
  }
/* state_.fetch_add(kSearchingOne) */
Search_to_searching_add:
  atomic { DRAINED(me) -> nsearch++; searching = true }
/* victim.local_.StealInto(local_): the victim's head_ and tail_ loads
 * (memory: its buffered pushes are not there yet); if empty, no CAS.
 * Else the claim CAS (locked), the copy and the finishing CAS as one step
 * (see GRANULARITY). Keeps the last stolen task to run and publishes the
 * others (tail_ store: a mov). */
Search_steal:
  atomic {
    if
    :: tail[1 - me] == head[1 - me] -> goto PullInject_size
    :: else
    fi
  }
Search_steal_claim:
  atomic {
    DRAINED(me) ->
    n = tail[1 - me] - head[1 - me];
    k = n - n / 2;
    n = 0;
    if
    :: k == 0 -> goto PullInject_size
    :: else
    fi;
    do
    :: k > 1 -> TAKE_FRONT(1 - me, extra); PUSH_OWN(extra); extra = NONE; k--
    :: k == 1 -> TAKE_FRONT(1 - me, task); k = 0; goto RunTask_searching
    od
  }

  /* -------------------------- Worker::SpinSearch ------------------------- */
/* if (!searching_ || budget == 0) return; if (num_unparked() < 2) return; */
SpinSearch:
#if SPIN_ROUNDS > 0
  atomic {
    if
    :: !searching || nunparked < 2 -> goto ParkUntilWork
    :: else
    fi
  }
/* for (;;) { if (runtime_.WorkPending()) { if (Search()) return it; } ... */
SpinSearch_round:
  WorkPending(false);
  atomic {
    if
    :: wp -> wp = false; ret = RET_SEARCH_SPIN; goto Search_from_spin
    :: else
    fi
  }
/* every 16 rounds: num_unparked() < 2, shut_down_, or the deadline: the
 * spin ends (SPIN_ROUNDS bounds the rounds; any round may be the last). */
SpinSearch_next:
  atomic {
    spins++;
    if
    :: spins < SPIN_ROUNDS -> goto SpinSearch_round
    :: true -> spins = 0
    fi
  }
#endif

  /* ------------------------ Worker::ParkUntilWork ------------------------ */
/* if (HasLocalWork()) return true; */
ParkUntilWork:
  atomic {
    if
    :: OWN_SIZE > 0 -> goto Run_top
    :: else
    fi
  }
/* runtime_.CancelDeferredWakeIfNothingQueued(): the relaxed hint
 * deferred_armed_ may read false whatever dw is (a stale read only leaves
 * a timer pending): return, or lock deferred_mu_ (lock cmpxchg); if dw and
 * !WorkPending(), CancelTimer (out of the driver if it is still there) and
 * reset; unlock. */
ParkUntilWork_cancel:
  if
  :: true
  :: atomic { dmu == 0 && DRAINED(me) -> dmu = me + 1 };
     if
     :: dw ->
#ifndef CANCEL_WITHOUT_LOOK
        WorkPending(false);
#endif
        atomic {
          if
          :: !wp -> dt_tracked = false; dw = false
          :: else
          fi;
          wp = false;
          dmu = 0
        }
     :: else -> atomic { dmu = 0 }
     fi
  fi;
/* idle.TransitionWorkerToParked(index_, searching_): under mu_ (lock
 * cmpxchg), state_.fetch_sub(kUnparkedOne | searching), sleepers_ push,
 * in_sleepers_ store (xchg); searching_ = false. */
ParkUntilWork_to_parked:
  atomic {
    idle_mu == 0 && DRAINED(me) ->
    nunparked--;
    if
    :: searching ->
#ifdef LAST_SEARCHER_RESCAN_ONLY
       last = (nsearch == 1);
#endif
       nsearch--; searching = false
    :: else
    fi;
    assert(!insl[me]);
    insl[me] = true
  }
/* The fix: fence(seq_cst) before the rescan: nothing to drain under TSO
 * (PARK_FENCE). */
/* runtime_.NotifyIfWorkPending(): if (WorkPending()) NotifyParked(); */
ParkUntilWork_rescan:
#ifdef LAST_SEARCHER_RESCAN_ONLY
  /* Tokio's rule: only the last searcher rescans. */
  if
  :: !last -> goto ParkUntilWork_loop
  :: else
  fi;
  last = false;
#endif
  WorkPending(PARK_FENCE);
  if
  :: wp -> wp = false; NotifyParked(me)
  :: else
  fi;
/* for (;;) { if (runtime_.shut_down_.load()) return false; */
ParkUntilWork_loop:
  atomic {
    if
    :: shut_down -> goto Run_exit
    :: else
    fi
  }
/* parker_->Park(): consumes the token, or sleeps until an Unpark or the
 * parker's shutdown. A sleeping worker is a legitimate end state (end
 * label): whether it sleeps with work queued is the Checker's business. */
end_ParkUntilWork_park:
  atomic {
    notified[me] || park_sd ->
    if
    :: notified[me] -> notified[me] = false
    :: park_sd -> goto Run_exit                /* kShutdown */
    fi
  }
/* if (HasLocalWork()) ...: never here (only the owner fills its queue, and
 * no driver event wakes it). if (idle.IsParked(index_)) continue;
 * else searching_ = true (a producer woke us). */
ParkUntilWork_is_parked:
  atomic {
    if
    :: insl[me] -> goto ParkUntilWork_loop
    :: else -> searching = true; goto Run_top
    fi
  }

  /* ---------------------------- Worker::RunTask -------------------------- */
RunTask_searching:
  atomic {
    ret = 0;
    if
    :: !searching -> goto RunTask_run
    :: else
    fi
  }
/* searching_ = false; Idle::TransitionWorkerFromSearching: fetch_sub,
 * last = previous value was 1. */
RunTask_from_searching:
  atomic {
    DRAINED(me) ->
    assert(nsearch > 0);
    last = (nsearch == 1);
    nsearch--;
    searching = false
  }
/* if (last) { fence(seq_cst) (the fix: nothing to drain under TSO);
 *   own = !local_.empty();
 *   if (WorkPendingBesides(this) || (own && delay == 0)) NotifyParked();
 *   else if (own && workers > 1) DeferWake(); }
 * WorkPendingBesides: the inject queue, then the other worker's queue.
 * NO_WAKE_DELAY: searcher_wake_delay_us = 0 (Tokio's rule). */
  if
  :: last ->
     last = false;
     atomic { assert(!PARK_FENCE || sb[me].used == 0); own = (OWN_SIZE > 0) };
     atomic { wp = (inj_n > 0) };
     if
     :: !wp -> atomic { wp = (LOCAL_SIZE(1 - me) > 0) }
     :: else
     fi;
#ifdef NO_WAKE_DELAY
     wp = wp || own;
#endif
     if
     :: wp -> wp = false; own = false; NotifyParked(me)
     :: !wp && own ->
        /* DeferWake: under deferred_mu_ (lock cmpxchg); if (deferred_wake_)
         * return; else ++generation, AddTimer (under the driver's lock),
         * deferred_wake_ set. One step: only holders of deferred_mu_ read
         * what it changes, and the driver fires the timer only after. */
        atomic {
          dmu == 0 && DRAINED(me) ->
          if
          :: !dw -> dw = true; dgen++; dt_tracked = true
          :: else
          fi;
          own = false
        }
     :: else
     fi
  :: else
  fi;
/* task->Run() */
RunTask_run:
  atomic {
    if
    :: task == P && PARENT -> skip
#ifdef WAIT_FOR_LEAF
    :: task == P && !PARENT -> goto Leaf_join
#endif
    :: else -> goto Task_complete
    fi
  }
/* The parent: RuntimeCore::SpawnTask on a worker: if (shut_down_.load(
 * relaxed)) refuse; then Worker::Schedule: Bump(spawned_), push to the
 * local queue (see TASKS), NotifyAfterLocalPush(). */
Parent_spawn:
  atomic {
    if
    :: shut_down -> goto Parent_join            /* refused: not accepted */
    :: else -> BUMP_SPAWNED()
    fi
  }
Parent_push:
  atomic { PUSH_OWN(CHILD); ok[CHILD] = true }
Parent_notify:
  NotifyAfterLocalPush(PRODUCER_FENCE_ON);
/* SCENARIO_SPAWN: the parent waits until its child has run (a blocking
 * wait inside a task: the case where a stranded task is never run). */
Parent_join:
#ifdef SCENARIO_SPAWN
  atomic { !ok[CHILD] || ran[CHILD] };
#endif
#ifdef WAIT_FOR_LEAF
/* WAIT_FOR_LEAF: P spawns nothing and waits until L (from outside, after
 * it) has run: a task that blocks on work queued behind it, which the
 * deferred wakeup must not strand. */
Leaf_join:
  atomic { !ok[L] || ran[L] };
  goto Task_complete;
#endif
/* The task returns: delete; Bump(completed_). */
Task_complete:
  atomic {
    assert(!ran[task] && !dropped[task]);
    ran[task] = true;
    BUMP_COMPLETED();
    task = NONE;
    goto Run_top
  }

/* Worker::Run returns; the thread ends (join: its stores are visible). */
Run_exit:
  atomic { DRAINED(me) -> exited[me] = true }
}

/* ----------------------------- outside ---------------------------------- */
/* RuntimeCore::SpawnTask from outside the pool, for each of its tasks. No
 * gate: the inject queue's close decides (Drain closes it first thing). */
proctype Spawner() {
  byte id = P;
  byte np_w;
  bool np_go;
/* if (draining_.load() || shut_down_.load()) refuse (a fast refusal) */
Spawn_check:
  atomic {
    if
    :: draining || shut_down -> goto Spawn_done
    :: else
    fi
  }
/* inject_.Push: pushes_.fetch_add (counted before it is visible), the CAS
 * on incoming_ (locked), or refused once closed. */
Spawn_push:
  atomic {
    if
    :: inj_closed -> goto Spawn_done
    :: else -> INJ_PUSH(id); accepted++; ok[id] = true
    fi
  }
Spawn_notify:
  NotifyParked(T_NONE);
Spawn_done:
#ifdef EXTRA_LEAF
  if
  :: id == P -> id = L; goto Spawn_check
  :: else
  fi;
#endif
  id = NONE
}

#ifdef SCENARIO_DRAIN
#ifdef DRAIN_RACE
#define GATE_ENTER() skip
#define GATE_LEAVE() skip
#else
/* IntakeGuard: intake_.fetch_add(1) (seq_cst), and at the end of RunTaskAt
 * fetch_sub(1, release): both locked. */
#define GATE_ENTER() atomic { intake++ }
#define GATE_LEAVE() atomic { assert(intake > 0); intake-- }
#endif

#ifdef RUN_AT
/* RuntimeCore::RunTaskAt from outside, with a deadline after the run (the
 * timer never fires here). */
proctype TimerSetter() {
  GATE_ENTER();
/* if (!AdmitsOutsideWork()) refuse: draining_.load(), shut_down_.load() */
RunAt_check:
  atomic {
    if
    :: draining || shut_down -> goto RunAt_refused
    :: else
    fi
  }
/* timers_added_.fetch_add(1) (timers_pending_ alike, not modelled) */
RunAt_count:
  atomic { timers_added++ }
/* shared_->driver().AddTimer(...) (under the driver's lock) */
RunAt_add:
  atomic { timers_in_driver++; timer_ok = true }
RunAt_refused:
  GATE_LEAVE()
}
#endif

/* LiveTasks(): finished (completed_ of each worker, timers cancelled: none
 * here), then started (pushes_, timers_added_, spawned_ of each worker). */
#define FINISHED (completed[0] + completed[1])
#define STARTED  (accepted + timers_added + spawned[0] + spawned[1])

/* RuntimeCore::Drain(deadline), then Shutdown(). */
proctype Drainer() {
  byte f, s, li;
  bool decided;                  /* completed, as decided before Shutdown */
#ifdef SHUTDOWN_ONLY
  goto Shutdown;                 /* RuntimeCore::Shutdown() alone */
#endif
/* draining_.store(true): seq_cst, an xchg (DRAINING_RELEASE: a mov). */
Drain_set_draining:
#ifdef DRAINING_RELEASE
  atomic { sb_store(T_DRAIN, L_DRAINING, 1) }
#else
  atomic { DRAINED(T_DRAIN) -> draining = true }
#endif
#ifndef DRAIN_RACE
/* inject_.Close() (under its mutex: lock cmpxchg): outside spawns end
 * here. */
Drain_close:
  atomic { DRAINED(T_DRAIN) -> inj_closed = true }
#endif
/* while (!drained() && now < deadline) sleep; drained() is intake_ == 0
 * && LiveTasks() == 0 (before the fix: LiveTasks() == 0). */
Drain_poll:
#if !defined(DRAIN_RACE) && !defined(DRAIN_LIVE_FIRST)
  atomic {
    if
    :: intake > 0 -> li = intake; goto Drain_sleep_intake
    :: else
    fi
  }
#endif
Drain_load_finished:
  atomic { f = FINISHED }
Drain_load_started:
  atomic {
    s = STARTED;
    assert(s >= f);
    if
    :: s == f -> f = 0; s = 0; goto Drain_live_zero
    :: else
    fi
  }
/* sleep_for(500us), then poll again; or the deadline passes
 * (completed = false). The sleep ends only once the next poll could read
 * something new: a poll that reads what the last one read does what it
 * did (this keeps the polling loop from being a cycle). */
Drain_sleep_live:
  atomic {
    if
    :: f = 0; s = 0; goto Shutdown                       /* the deadline */
    :: FINISHED != f || STARTED != s -> f = 0; s = 0; goto Drain_poll
    fi
  }
Drain_sleep_intake:
  atomic {
    if
    :: li = 0; goto Shutdown                             /* the deadline */
    :: intake != li -> li = 0; goto Drain_poll
    fi
  }
Drain_live_zero:
#ifdef DRAIN_LIVE_FIRST
/* The wrong order: LiveTasks() == 0, then intake_ == 0. */
  atomic {
    if
    :: intake > 0 -> li = intake; goto Drain_sleep_intake
    :: else
    fi
  }
#endif
/* drained() read true: nothing accepted is still queued or running. */
  atomic {
    assert((!ok[P] || ran[P]) && (!ok[CHILD] || ran[CHILD]));
    decided = true
  }

  /* ------------------------ RuntimeCore::Shutdown ---------------------- */
/* MutexLock(&shutdown_mu_); if (shut_down_.load()) return (nobody else
 * shuts down here); shut_down_.store(true): seq_cst, an xchg
 * (SHUTDOWN_RELEASE: a mov). */
Shutdown:
#ifdef SHUTDOWN_RELEASE
  atomic { DRAINED(T_DRAIN) -> assert(!shut_down); sb_store(T_DRAIN, L_SHUT_DOWN, 1) }
#else
  atomic { DRAINED(T_DRAIN) -> assert(!shut_down); shut_down = true }
#endif
#if !defined(DRAIN_RACE) && !defined(NO_SHUTDOWN_INTAKE_WAIT)
/* AwaitIntakeClosed(): while (intake_.load() != 0) yield. */
Shutdown_await_intake:
  intake == 0;
#endif
/* inject_.Close() (idempotent; under its mutex) */
Shutdown_close:
  atomic { DRAINED(T_DRAIN) -> inj_closed = true }
/* shared_->Shutdown(): its flag, and every parker unparked. */
Shutdown_parkers:
  atomic { park_sd = true }
/* join the workers (a deferred wakeup's callback runs on one: joined too) */
Shutdown_join:
  atomic { exited[0] && exited[1] && !dcb }
/* DropRemaining of each worker, and what the inject queue holds. */
Shutdown_drop:
  atomic {
    assert(tail[0] == vtail[0] && tail[1] == vtail[1]);
    do
    :: head[0] != tail[0] -> TAKE_FRONT(0, f); dropped[f] = true; tasks_abandoned++
    :: head[1] != tail[1] -> TAKE_FRONT(1, f); dropped[f] = true; tasks_abandoned++
    :: inj_n > 0 -> INJ_POP(f); dropped[f] = true; tasks_abandoned++
    :: else -> f = 0; break
    od
  }
#ifndef NO_DROP_DEFERRED
/* DropDeferredWake(): under deferred_mu_, the timer deferred_wake_ names
 * out of the driver (the runtime's own, not a caller's), reset. */
Shutdown_drop_deferred:
  atomic {
    dmu == 0 ->
    if
    :: dw -> dt_tracked = false; dw = false
    :: else
    fi
  }
#endif
/* shared_->driver().CancelAllTimers(): it counts every timer the driver
 * holds, so a deferred wakeup's timer left there would be reported as a
 * caller's abandoned timer. */
Shutdown_cancel_timers:
  atomic {
    timers_abandoned = timers_in_driver + dt_other + dt_tracked;
    timers_in_driver = 0; dt_other = 0; dt_tracked = false;
    shutdown_done = true
  }
/* (2): the drain decided completed only if Shutdown then dropped nothing.
 * Drain's report then also says completed = false if Shutdown abandoned
 * anything (for work the count cannot foresee, an I/O event's task); the
 * assertion shows that this never has to happen for the work modelled. */
Drain_report:
  atomic {
    assert(!decided || (tasks_abandoned == 0 && timers_abandoned == 0));
#ifndef DRAIN_RACE
    drain_completed = decided && tasks_abandoned == 0 && timers_abandoned == 0;
#else
    drain_completed = decided;      /* before the fix: no second look */
#endif
    decided = false
  }
}
#endif

/* ------------------------------ Checker --------------------------------- *
 * Runs once nothing else can move (timeout): every buffer drained, every
 * worker asleep (or exited), every other thread done or blocked.         */
proctype Checker() {
  byte i;
  timeout;
  atomic {
    i = 1;
    do
    :: i < NTASK ->
#ifdef SCENARIO_SPAWN
       /* (1): every accepted task ran. */
       assert(!ok[i] || ran[i]);
#else
       /* every accepted task ran or was counted as abandoned, once. */
       assert(!ok[i] || (ran[i] != dropped[i]));
       assert(ok[i] || (!ran[i] && !dropped[i]));
#endif
       i++
    :: else -> break
    od;
#ifdef SCENARIO_DRAIN
    assert(shutdown_done);
    /* (2) as reported: completed means nothing was dropped */
    assert(!drain_completed || (tasks_abandoned == 0 && timers_abandoned == 0));
    /* no timer is left in the driver after Shutdown, and a timer RunAt
     * accepted was counted as abandoned (none fires here) */
    assert(timers_in_driver == 0);
    assert(timer_ok == (timers_abandoned == 1));
#endif
    i = 0
  }
}

/* The driver firing DeferWake's timers: a driver turn, on a worker that is
 * parked in the driver or polls it between tasks, so only while some
 * worker has not exited. It may fire at any moment (the delay is not
 * modelled: every firing time is one of these interleavings); the parker
 * (parker.pml) guarantees some worker turns the driver while a timer is
 * pending, which is why a pending timer may not be left unfired at the
 * end (the Checker's timeout waits for it). The callback runs on that
 * worker's thread with nothing buffered (the driver's lock drained it):
 * the buffer of T_NONE.
 * The callback: under deferred_mu_, if (deferred_generation_ == its own)
 * reset deferred_wake_ (NO_DEFER_GENERATION: unconditionally, the first
 * version: a newer timer it names is then named by nobody); unlock; then
 * NotifyIfWorkPending(). */
proctype DeferredTimer() {
  byte me = T_NONE;            /* no local queue of its own */
  byte g, np_w;
  bool np_go, wp;
end_DeferredTimer_idle:
  do
  :: atomic {
       dt_tracked && !(exited[0] && exited[1]) ->
       dt_tracked = false; g = dgen; dcb = true
     };
     goto DeferredTimer_callback
  :: atomic {
       dt_other > 0 && !(exited[0] && exited[1]) ->
       dt_other--; g = 0; dcb = true            /* an older generation */
     };
     goto DeferredTimer_callback
  od;
DeferredTimer_callback:
  atomic {
    dmu == 0 ->
#ifdef NO_DEFER_GENERATION
    if
    :: dw && dt_tracked -> dt_tracked = false; dt_other++
    :: else
    fi;
    dw = false
#else
    if
    :: g == dgen -> dw = false
    :: else
    fi
#endif
  };
  WorkPending(false);
  if
  :: wp -> wp = false; NotifyParked(T_NONE)
  :: else
  fi;
  atomic { g = 0; dcb = false; goto end_DeferredTimer_idle }
}

/* Drains the store buffers, oldest store first, at any moment. */
proctype Flusher() {
end_flush:
  do
  :: atomic { sb[0].used > 0 -> sb_commit(0) }
  :: atomic { sb[1].used > 0 -> sb_commit(1) }
  :: atomic { sb[2].used > 0 -> sb_commit(2) }
  od
}

init {
  atomic {
#ifdef START_PARKED
    nunparked = 0; insl[0] = true; insl[1] = true;
#endif
    run Worker(0);
    run Worker(1);
#ifndef RUN_AT_ONLY
    run Spawner();
#endif
#ifdef SCENARIO_DRAIN
    run Drainer();
#ifdef RUN_AT
    run TimerSetter();
#endif
#endif
#ifndef DEFERRED_TIMER_NEVER_FIRES
    run DeferredTimer();
#endif
    run Flusher();
    run Checker()
  }
}
