#include "app/jobs/job_lease.hpp"

#include <unistd.h>

#include <atomic>

namespace andel::app {
namespace {

std::string NewHolder() {
    static std::atomic<int64_t> runs{0};
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return std::string(host) + ":" + std::to_string(getpid()) + ":" + std::to_string(++runs);
}

}  // namespace

core::Result<JobLease> JobLease::Take(store::Database& db, std::string name, int64_t now, int64_t ttl_ms) {
    JobLease lease(std::move(name), NewHolder(), ttl_ms);
    store::Transaction tx(db);
    int64_t changed = tx.conn().Execute(
        "INSERT INTO job_leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE "
        "SET holder = excluded.holder, expires_at = excluded.expires_at WHERE job_leases.expires_at < $4",
        {store::Text(lease.name_), store::Text(lease.holder_), store::Int(now + ttl_ms), store::Int(now)});
    tx.Commit();
    if (changed != 1) return core::Error::Conflict("the " + lease.name_ + " job is running elsewhere");
    return lease;
}

bool JobLease::Renew(store::Connection& c, int64_t now) const {
    return c.Execute("UPDATE job_leases SET expires_at = $3 WHERE name = $1 AND holder = $2",
                     {store::Text(name_), store::Text(holder_), store::Int(now + ttl_ms_)}) == 1;
}

void JobLease::Release(store::Database& db) const noexcept {
    try {
        store::Transaction tx(db);
        tx.conn().Execute("DELETE FROM job_leases WHERE name = $1 AND holder = $2",
                          {store::Text(name_), store::Text(holder_)});
        tx.Commit();
    } catch (...) {
        // It runs out by itself.
    }
}

}  // namespace andel::app
