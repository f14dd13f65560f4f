/*
 * protocol_deferred_shutdown.pml: protocol.pml in a drain where the last
 * searcher's wakeup can be deferred: P and L come from outside, a worker
 * woken as the searcher may take both in one batch and defer its wakeup
 * for L (RuntimeCore::DeferWake). Proves what protocol.pml's drain line
 * proves with that timer in play: the drain that decided "completed"
 * dropped nothing, and the deferred wakeup's timer, the runtime's own, is
 * never counted as an abandoned timer of the caller's (Shutdown's
 * DropDeferredWake). A separate file (and meson test) because its search
 * is the largest: 15.1M states safety, 30.2M non-progress (1.9 GB, about
 * 2.5 minutes with the compiles; its meson test raises check_model.sh's
 * memory and time limits).
 *
 * Run: tests/model/check_model.sh tests/model/protocol_deferred_shutdown.pml pass
 * @check -DSCENARIO_DRAIN -DSTART_PARKED -DEXTRA_LEAF
 */
#include "protocol.pml"
