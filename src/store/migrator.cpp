#include "store/migrator.hpp"

#include <algorithm>
#include <charconv>
#include <set>

#include "store/embedded_files.hpp"

namespace andel::store {

std::vector<Migration> EmbeddedMigrations(Engine engine) {
    std::string prefix = "migrations/" + std::string(EngineName(engine)) + "/";
    std::vector<Migration> out;
    for (const auto& [path, content] : embedded::Files()) {
        if (!path.starts_with(prefix)) continue;
        std::string name = path.substr(prefix.size());
        int version = 0;
        auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
        if (ec != std::errc() || p == name.data()) continue;
        out.push_back({version, name, std::string(content)});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    return out;
}

std::vector<int> Migrate(Database& db, int64_t now_ms) {
    {
        auto conn = db.Write();
        conn->ExecScript(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at BIGINT NOT NULL)");
    }
    std::vector<int> applied;
    for (const auto& m : EmbeddedMigrations(db.engine())) {
        Transaction tx(db);
        auto& c = tx.conn();
        if (db.engine() == Engine::kPostgres) c.Query("SELECT pg_advisory_xact_lock(7291001)");
        if (c.QueryOne("SELECT 1 FROM schema_migrations WHERE version = $1", {Int(m.version)})) continue;
        c.ExecScript(m.sql);
        c.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                  {Int(m.version), Text(m.name), Int(now_ms)});
        tx.Commit();
        applied.push_back(m.version);
    }
    return applied;
}

}  // namespace andel::store
