/*
 * parker.pml: a SPIN model of the Parker / Unparker / SharedDriver state
 * machine as written in
 *   lib/park/parker/parker.cc         (ParkImpl, ParkOnDriver, ParkOnCondvar,
 *                                      ConsumeNotification, ParkerCore::Unpark)
 *   lib/park/parker/shared_driver.h   (TryLockDriver, UnlockDriver)
 *   lib/park/parker/shared_driver.cc  (SharedDriver::Shutdown)
 *   lib/park/driver/driver.cc         (Driver::Park, Dispatch, Unpark)
 *   lib/park/sys/mutex.h              (CondVar::Wait / WaitUntil / Signal)
 *   lib/park/sys/event_fd.cc          (EventFd::Signal / Drain)
 * Contract: lib/park/parker/parker.h; design: DESIGN.md "The parker".
 *
 * Run:  tests/model/check_model.sh tests/model/parker.pml pass
 *
 * THREADS
 *   Parker(0), Parker(1)  two workers sharing one driver try-lock. Each runs
 *                         the worker loop: take a token if there is one,
 *                         else Park(); leave after QUOTA tokens or when a
 *                         park returns kShutdown.
 *   Unparker              gives each parker QUOTA tokens, in every order;
 *                         each token is "publish work, then Unpark()".
 *   ShutdownThread        either does nothing or calls SharedDriver::Shutdown
 *                         once, at any moment, concurrently with the rest.
 *   Every park is Park() or (at most TIMEOUTS times in a run) ParkFor(d),
 *   whose deadline may pass at any moment. The driver may return a turn with
 *   a timer/I/O event at most DRIVER_EVENTS times; a condvar may wake
 *   spuriously at most SPURIOUS times. These budgets are what keeps the
 *   state graph finite and acyclic (see "WHY THIS PROVES IT").
 *
 * GRANULARITY
 *   One Promela step = one C++ atomic operation, one syscall, or one mutex
 *   operation; each step is a label or inline named after the C++ function
 *   and step it stands for. Purely thread-local computation is folded into
 *   the neighbouring step. Memory model: SPIN explores sequentially
 *   consistent interleavings only. The code uses seq_cst for the state word,
 *   shut_down_ and wake_pending_ (the arguments need a total order over
 *   them), mutexes and syscalls are SC-like; the driver try-lock uses
 *   acquire/release, which is exactly a lock. Weak-memory effects are for
 *   TSan/the stress test, not this model.
 *
 *   CondVar: cv_waiting[i] is the condvar's wait queue (only the owner ever
 *   waits, so one bit). Wait atomically releases the mutex and enqueues;
 *   Signal (notify_one) dequeues the waiter, and a Signal with no waiter is
 *   lost (no memory). A woken waiter reacquires the mutex as a separate step.
 *   Eventfd: efd is the counter; Signal adds 1 (EAGAIN at saturation is
 *   harmless, capped at 2 here), Drain reads it to 0; epoll_wait is level
 *   triggered, so a turn reports the waker iff efd > 0 when it returns.
 *
 * PROPERTIES AND HOW THEY ARE EXPRESSED
 *   (a) No lost unpark. A parker parks only after seeing no token; the
 *       Unparker publishes the token and then unparks. If that unpark were
 *       lost (the notify falls before the wait, or the eventfd write is
 *       coalesced away), the parker's last park would block forever after
 *       the Unparker has finished: a terminal state with a Parker not at its
 *       end = an "invalid end state" error. There are NO `end` labels: in
 *       this harness no blocking is legitimate once every thread is done.
 *       Plus the FatalState checks of parker.cc as assertions, and: a park
 *       returns kNotified only by consuming an unpark (consumed <= unparks).
 *   (b) No deadlock: also an invalid end state (every thread blocked on a
 *       mutex, the condvar or epoll_wait with nobody left to wake it).
 *       Driver::Park's "a second thread entered a turn" is an assertion.
 *   (c) Shutdown: when the ShutdownThread shuts down, parkers leave on
 *       kShutdown, so a parker still blocked in the terminal state is again
 *       an invalid end state. "Every later park returns at once": a park
 *       that began with shut_down_ already set asserts at every blocking
 *       step (epoll_wait, condvar wait) that it never gets there, and that
 *       it returns kShutdown or a pending kNotified.
 *
 * WHY THIS PROVES IT
 *   pan is run twice by check_model.sh:
 *     1. gcc -DSAFETY, pan -m<depth>: exhaustive search of all interleavings
 *        for assertion violations and invalid end states (deadlocks /
 *        blocked-forever threads).
 *     2. gcc -DNP, pan -l: there are no progress labels, so ANY cycle in the
 *        state graph is reported as a non-progress cycle. 0 errors means the
 *        graph is acyclic: every execution is finite and ends in a terminal
 *        state, and run 1 showed that every terminal state has every thread
 *        done. So every park returns (and no thread spins forever) under
 *        every schedule, without any fairness assumption.
 *   Both must report "errors: 0" with the search complete (no "max search
 *   depth too small").
 *
 * SWITCHES (cpp -D, via spin -D or a #define before #include)
 *   BROKEN_UNPARK_NO_LOCK   ParkerCore::Unpark notifies PARKED_CONDVAR
 *                           without the mutex lock/unlock (parker_broken.pml).
 *   DISPATCH_DRAIN_FIRST    Dispatch drains the eventfd, then clears
 *                           wake_pending_ (the order Go's netpollBreak uses).
 *   QUOTA, TIMEOUTS, DRIVER_EVENTS, SPURIOUS: the budgets above.
 */

#ifndef QUOTA
#define QUOTA 2          /* tokens (= unparks) per parker */
#endif
#ifndef TIMEOUTS
#define TIMEOUTS 1       /* parks with a deadline, per run */
#endif
#ifndef DRIVER_EVENTS
#define DRIVER_EVENTS 1  /* driver turns ended by a timer / I/O event */
#endif
#ifndef SPURIOUS
#define SPURIOUS 1       /* spurious condvar wakeups */
#endif

#define NPARKERS 2
#define EFD_MAX 2

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

/* ParkerCore (parker_core.h) */
byte state[NPARKERS];          /* state: EMPTY .. NOTIFIED */
byte mu[NPARKERS];             /* mu: 0 free, else owner _pid + 1 */
bool cv_waiting[NPARKERS];     /* cv: the wait queue */
/* SharedDriver (shared_driver.h) */
bool driver_locked;            /* driver_locked_ */
bool shut_down;                /* shut_down_ */
/* Driver (driver.h) */
bool wake_pending;             /* wake_pending_ */
byte efd;                      /* waker_: the eventfd counter */
bool in_turn;                  /* in_turn_ */

/* Budgets of the environment (time, I/O, the condvar). */
byte timeouts_left = TIMEOUTS;
byte driver_events_left = DRIVER_EVENTS;
byte spurious_left = SPURIOUS;

/* Harness and ghost state. */
byte tokens[NPARKERS];         /* work published for parker i */
byte unparks[NPARKERS];        /* ghost: unpark exchanges on parker i */
byte consumed[NPARKERS];       /* ghost: NOTIFIED -> EMPTY by the owner */

/* ---- Unpark side: inlines, since Shutdown expands them several times ---- */

/* parker.cc ParkerCore::Unpark: state.exchange(kNotified). */
inline ParkerCore_Unpark_exchange(i) {
  atomic { old = state[i]; state[i] = NOTIFIED; unparks[i]++ }
}
/* parker.cc ParkerCore::Unpark, kParkedCondvar: mu.Lock(). */
inline ParkerCore_Unpark_lock(i) {
  atomic { mu[i] == 0 -> mu[i] = _pid + 1 }
}
/* parker.cc ParkerCore::Unpark, kParkedCondvar: mu.Unlock(). */
inline ParkerCore_Unpark_unlock(i) {
  atomic { assert(mu[i] == _pid + 1); mu[i] = 0 }
}
/* parker.cc ParkerCore::Unpark, kParkedCondvar: cv.Signal() (notify_one;
 * mutex.h CondVar::Signal). Lost if nobody is waiting. */
inline ParkerCore_Unpark_condvar(i) {
  cv_waiting[i] = false
}
/* driver.cc Driver::Unpark: wake_pending_.exchange(true). */
inline Driver_Unpark_exchange() {
  atomic { oldwp = wake_pending; wake_pending = true }
}
/* driver.cc Driver::Unpark: waker_.Signal() (event_fd.cc EventFd::Signal). */
inline Driver_Unpark_signal() {
  atomic { if :: efd < EFD_MAX -> efd++ :: else -> skip fi }
}
/* driver.cc Driver::Unpark. */
inline Driver_Unpark() {
  Driver_Unpark_exchange();
  if
  :: oldwp -> skip                          /* waker_coalesced_ */
  :: else -> Driver_Unpark_signal()         /* waker_writes_ */
  fi
}
/* parker.cc ParkerCore::Unpark. */
inline ParkerCore_Unpark(i) {
  ParkerCore_Unpark_exchange(i);
  if
  :: old == EMPTY || old == NOTIFIED -> skip          /* unparks_noop */
  :: old == PARKED_CONDVAR ->
#ifndef BROKEN_UNPARK_NO_LOCK
     ParkerCore_Unpark_lock(i);
     ParkerCore_Unpark_unlock(i);
#endif
     ParkerCore_Unpark_condvar(i)
  :: old == PARKED_DRIVER -> Driver_Unpark()
  fi
}

/* ---- Park side ---- */

/* parker.cc Passed(deadline): a deadline may pass at any moment, and once
 * passed it stays passed. */
inline Passed() {
  if
  :: has_deadline && !passed -> passed = true
  :: true -> skip
  fi
}

proctype Parker(byte me) {
  byte got = 0;            /* harness: tokens taken */
  byte result, seen, old;
  bool has_deadline, passed, sd_at_entry;
  bool woken, io, timed_out;

  do
  :: got == QUOTA -> break
  /* harness: run published work (a token) instead of parking */
  :: atomic { got < QUOTA && tokens[me] > 0 -> tokens[me]--; got++ }
  /* harness: nothing to do, park (Park() or ParkFor(d)) */
  :: got < QUOTA && tokens[me] == 0 ->
     has_deadline = false; passed = false; result = R_NONE;
     if
     :: atomic { timeouts_left > 0 -> timeouts_left-- }; has_deadline = true
     :: true -> skip
     fi;

/* parker.cc Parker::ConsumeNotification: state.load() != kNotified.
 * Ghost: sd_at_entry records whether shutdown preceded this park. */
ConsumeNotification_load:
     atomic { sd_at_entry = shut_down; seen = state[me] }
     if
     :: seen == NOTIFIED ->
/* parker.cc Parker::ConsumeNotification: state.exchange(kEmpty). */
ConsumeNotification_exchange:
        atomic {
          old = state[me]; state[me] = EMPTY;
          assert(old == NOTIFIED);   /* "only the owner leaves kNotified" */
          consumed[me]++
        }
        result = R_NOTIFIED;
        goto Park_return
     :: else -> skip
     fi;

/* parker.cc Parker::ParkImpl: shared_->is_shut_down(). */
ParkImpl_check_shutdown:
     if
     :: shut_down -> result = R_SHUTDOWN; goto Park_return
     :: else -> skip
     fi;

/* shared_driver.h TryLockDriver: relaxed pre-check. */
TryLockDriver_precheck:
     if
     :: driver_locked -> goto ParkImpl_not_holder
     :: else -> skip
     fi;
/* shared_driver.h TryLockDriver: compare_exchange_strong(false, true). */
TryLockDriver_cas:
     atomic {
       if
       :: !driver_locked -> driver_locked = true; seen = 1
       :: else -> seen = 0
       fi
     }
     if
     :: seen == 0 -> goto ParkImpl_not_holder
     :: else -> skip
     fi;

     /* ---- parker.cc Parker::ParkOnDriver ---- */
/* compare_exchange_strong(kEmpty, kParkedDriver). */
ParkOnDriver_cas:
     atomic {
       if
       :: state[me] == EMPTY -> state[me] = PARKED_DRIVER; seen = EMPTY
       :: else -> seen = state[me]
       fi
     }
     if
     :: seen != EMPTY ->
        assert(seen == NOTIFIED);          /* FatalState */
/* the CAS failed: state.exchange(kEmpty), return kNotified. */
ParkOnDriver_consume:
        atomic { old = state[me]; state[me] = EMPTY; assert(old == NOTIFIED);
                 consumed[me]++ }
        result = R_NOTIFIED;
        goto UnlockDriver
     :: else -> skip
     fi;
     result = R_TIMED_OUT;
     do
     :: true;
/* the loop head: if (shared_->is_shut_down()) -> kShutdown. */
ParkOnDriver_check_shutdown:
        if
        :: shut_down -> result = R_SHUTDOWN; break
        :: else -> skip
        fi;
/* driver.cc Driver::Park: in_turn_.exchange(true), else FatalState. */
Driver_Park_enter:
        atomic { assert(!in_turn); in_turn = true;
                 woken = false; io = false; timed_out = false }
/* driver.cc Driver::Park: epoll_.Wait(events_, deadline). Blocks until
 * the waker is readable (level-triggered), a timer/I/O event, or the
 * deadline (n == 0 only if nothing is ready). */
Driver_Park_epoll_wait:
        assert(!sd_at_entry);              /* (c): a later park never blocks */
        atomic {
          if
          :: efd > 0 -> woken = true
          :: driver_events_left > 0 ->
             driver_events_left--; io = true; woken = (efd > 0)
          :: has_deadline && efd == 0 -> passed = true; timed_out = true
          fi
        }
/* driver.cc Driver::Dispatch: if (turn->woken) ... */
        if
        :: woken ->
#ifndef DISPATCH_DRAIN_FIRST
/* wake_pending_.store(false), then waker_.Drain() (as written). */
Dispatch_clear_pending:
           wake_pending = false;
Dispatch_drain:
           efd = 0
#else
Dispatch_drain_first:
           efd = 0;
Dispatch_clear_pending_after:
           wake_pending = false
#endif
        :: else -> skip
        fi;
/* driver.cc Driver::Park: in_turn_.store(false). */
Driver_Park_leave:
        in_turn = false;
/* if (core.state.load() == kNotified) break; */
ParkOnDriver_check_notified:
        if
        :: state[me] == NOTIFIED -> break
        :: else -> skip
        fi;
/* if (turn.timers_fired > 0 || turn.io_events > 0) -> kDriverEvent;
 * if (turn.timed_out || Passed(deadline)) break; (thread-local) */
ParkOnDriver_check_turn:
        if
        :: io -> result = R_DRIVER_EVENT; break
        :: else -> skip
        fi;
        Passed();
        if
        :: timed_out || passed -> break
        :: else -> skip
        fi;
/* if (shared_->is_shut_down()) continue; else a spurious wakeup. */
ParkOnDriver_recheck_shutdown:
        if
        :: shut_down -> skip               /* continue: reported at the head */
        :: else -> skip                    /* Bump(spurious_wakeups) */
        fi
     od;
/* const uint32_t old = core.state.exchange(kEmpty); */
ParkOnDriver_exchange_empty:
     atomic {
       old = state[me]; state[me] = EMPTY;
       assert(old == NOTIFIED || old == PARKED_DRIVER);   /* FatalState */
       if
       :: old == NOTIFIED -> consumed[me]++; result = R_NOTIFIED
       :: else -> skip
       fi
     }
/* parker.cc Parker::ParkImpl -> shared_driver.h UnlockDriver(). */
UnlockDriver:
     atomic { assert(driver_locked); driver_locked = false }
     goto Park_return;

ParkImpl_not_holder:
/* parker.cc Parker::ParkImpl: if (Passed(deadline)) return kTimedOut; */
ParkImpl_poll_deadline:
     Passed();
     if
     :: passed -> result = R_TIMED_OUT; goto Park_return
     :: else -> skip
     fi;

     /* ---- parker.cc Parker::ParkOnCondvar ---- */
/* MutexLock lock(&core.mu); */
ParkOnCondvar_lock:
     atomic { mu[me] == 0 -> mu[me] = _pid + 1 }
/* compare_exchange_strong(kEmpty, kParkedCondvar), under mu. */
ParkOnCondvar_cas:
     atomic {
       if
       :: state[me] == EMPTY -> state[me] = PARKED_CONDVAR; seen = EMPTY
       :: else -> seen = state[me]
       fi
     }
     if
     :: seen != EMPTY ->
        assert(seen == NOTIFIED);          /* FatalState */
/* the CAS failed: state.exchange(kEmpty), return kNotified. */
ParkOnCondvar_consume:
        atomic { old = state[me]; state[me] = EMPTY; assert(old == NOTIFIED);
                 consumed[me]++ }
        result = R_NOTIFIED;
        goto ParkOnCondvar_unlock
     :: else -> skip
     fi;
/* if (shared_->is_shut_down()), after publishing kParkedCondvar. */
ParkOnCondvar_check_shutdown:
     if
     :: shut_down ->
/* return state.exchange(kEmpty) == kNotified ? kNotified : kShutdown; */
ParkOnCondvar_shutdown_exchange:
        atomic {
          old = state[me]; state[me] = EMPTY;
          if
          :: old == NOTIFIED -> consumed[me]++; result = R_NOTIFIED
          :: else -> result = R_SHUTDOWN
          fi
        }
        goto ParkOnCondvar_unlock
     :: else -> skip
     fi;
     do
     :: true;
/* cv.Wait(&mu) / cv.WaitUntil(&mu, deadline) (mutex.h): atomically
 * release mu and join the wait queue. */
ParkOnCondvar_wait:
        assert(!sd_at_entry);              /* (c): a later park never blocks */
        atomic {
          assert(mu[me] == _pid + 1);
          mu[me] = 0; cv_waiting[me] = true; timed_out = false
        }
/* ... blocked until Signal, a spurious wakeup, or the deadline. */
ParkOnCondvar_woken:
        atomic {
          if
          :: !cv_waiting[me] -> skip
          :: spurious_left > 0 -> spurious_left--; cv_waiting[me] = false
          :: has_deadline -> cv_waiting[me] = false; passed = true;
                             timed_out = true
          fi
        }
/* ... and reacquire mu before returning. */
ParkOnCondvar_relock:
        atomic { mu[me] == 0 -> mu[me] = _pid + 1 }
/* compare_exchange_strong(kNotified, kEmpty) -> kNotified. */
ParkOnCondvar_cas_notified:
        atomic {
          if
          :: state[me] == NOTIFIED ->
             state[me] = EMPTY; consumed[me]++; result = R_NOTIFIED
          :: else -> skip
          fi
        }
        if
        :: result == R_NOTIFIED -> break
        :: else -> skip
        fi;
/* if (timed_out || Passed(deadline)) ... (thread-local) */
        Passed();
        if
        :: timed_out || passed ->
/* old = state.exchange(kEmpty): kNotified, or kTimedOut. */
ParkOnCondvar_timeout_exchange:
           atomic {
             old = state[me]; state[me] = EMPTY;
             assert(old == NOTIFIED || old == PARKED_CONDVAR);  /* FatalState */
             if
             :: old == NOTIFIED -> consumed[me]++; result = R_NOTIFIED
             :: else -> result = R_TIMED_OUT
             fi
           }
           break
        :: else -> skip                    /* Bump(spurious_wakeups) */
        fi
     od;
/* ~MutexLock: mu.Unlock(). */
ParkOnCondvar_unlock:
     atomic { assert(mu[me] == _pid + 1); mu[me] = 0 }

Park_return:
     assert(result != R_NONE);
     assert(consumed[me] <= unparks[me]);  /* kNotified only from an unpark */
     /* (c): a park that began after Shutdown returns at once, with
      * kShutdown or a pending kNotified. */
     assert(!sd_at_entry || result == R_SHUTDOWN || result == R_NOTIFIED);
     if
     :: result == R_SHUTDOWN -> break      /* the worker leaves */
     :: else -> skip
     fi
  od
}

/* Publishes QUOTA tokens per parker, in every order; each token is followed
 * by Unparker::Unpark() (parker.cc: core_->Unpark()). */
proctype Unparker() {
  byte i, old, given[NPARKERS];
  bool oldwp;
  do
  :: given[0] == QUOTA && given[1] == QUOTA -> break
  :: else ->
     if
     :: given[0] < QUOTA -> i = 0
     :: given[1] < QUOTA -> i = 1
     fi;
     /* harness: publish the work (before the unpark, as a real pool does) */
     atomic { tokens[i]++; given[i]++ }
     ParkerCore_Unpark(i)
  od
}

/* Either never shuts down, or calls SharedDriver::Shutdown() once, at any
 * moment (shared_driver.cc). */
proctype ShutdownThread() {
  byte i, old;
  bool oldwp, oldsd;
  if
  :: goto done                             /* no shutdown in this run */
  :: skip
  fi;
/* shared_driver.cc Shutdown: if (shut_down_.exchange(true)) return; */
Shutdown_set_flag:
  atomic { oldsd = shut_down; shut_down = true }
  if
  :: oldsd -> goto done
  :: else -> skip
  fi;
  /* MutexLock lock(&parkers_mu_): orders only against Attach/Detach, which
   * this model does not run concurrently. */
  i = 0;
/* for (core : parkers_) core->Unpark(); */
Shutdown_unpark_parkers:
  do
  :: i < NPARKERS -> ParkerCore_Unpark(i); i++
  :: else -> break
  od;
/* driver_->Unpark(): ring once more for a thread finishing a turn. */
Shutdown_ring_driver:
  Driver_Unpark();
done:
  skip
}

init {
  atomic {
    run Parker(0);
    run Parker(1);
    run Unparker();
    run ShutdownThread()
  }
}
