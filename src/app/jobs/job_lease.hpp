#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "store/database.hpp"

namespace andel::app {

// A job's lease (DESIGN.md "Running": one node runs each job at a time): a row in job_leases, taken when
// absent or run out, renewed by its holder inside each batch's transaction, deleted when the run ends (or
// left to run out if the process dies). One mechanism on both engines; unlike a session advisory lock it
// also works through pgbouncer in transaction pooling.
class JobLease {
  public:
    // Takes the lease for `ttl_ms`, or answers Conflict when another holder has it.
    static core::Result<JobLease> Take(store::Database& db, std::string name, int64_t now, int64_t ttl_ms);
    // Inside a batch's transaction: extends the lease; false when it ran out and another run took it (the
    // caller then rolls the batch back).
    bool Renew(store::Connection& c, int64_t now) const;
    // Deletes the lease row; never throws (a lease that cannot be deleted runs out by itself).
    void Release(store::Database& db) const noexcept;
    const std::string& holder() const { return holder_; }

  private:
    JobLease(std::string name, std::string holder, int64_t ttl_ms)
        : name_(std::move(name)), holder_(std::move(holder)), ttl_ms_(ttl_ms) {}
    std::string name_, holder_;
    int64_t ttl_ms_;
};

// Releases a run's lease, if it took one, when the run ends however it ends.
class LeaseGuard {
  public:
    LeaseGuard(store::Database& db, const std::optional<JobLease>& lease) : db_(db), lease_(lease) {}
    LeaseGuard(const LeaseGuard&) = delete;
    LeaseGuard& operator=(const LeaseGuard&) = delete;
    ~LeaseGuard() {
        if (lease_) lease_->Release(db_);
    }

  private:
    store::Database& db_;
    const std::optional<JobLease>& lease_;
};

}  // namespace andel::app
