#include "test_support.hpp"

#include <atomic>
#include <filesystem>
#include <random>

#include "store/migrator.hpp"

namespace andel::test {

std::vector<std::string> Engines() { return {"sqlite", "postgres"}; }

bool EngineAvailable(const std::string& engine) {
    if (engine != "postgres") return true;
    const char* pg = std::getenv("ANDEL_TEST_POSTGRES_URL");
    return pg && *pg;
}

std::string SourcePath(const std::string& relative) {
    const char* dir = std::getenv("ANDEL_SOURCE_DIR");
    return std::string(dir && *dir ? dir : ANDEL_SOURCE_DIR) + "/" + relative;
}

std::unique_ptr<store::Database> FreshDatabase(const std::string& engine) {
    std::string url;
    return FreshDatabase(engine, url);
}

std::unique_ptr<store::Database> FreshDatabase(const std::string& engine, std::string& opened) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    std::string name = "t" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
                       std::to_string(rd() % 100000);
    std::unique_ptr<store::Database> db;
    if (engine == "postgres") {
        std::string url = std::getenv("ANDEL_TEST_POSTGRES_URL");
        {
            auto admin = store::Open(url);
            auto c = admin->Write();
            c->ExecScript("CREATE SCHEMA " + name);
        }
        url += (url.find('?') == std::string::npos ? "?" : "&");
        url += "options=-csearch_path%3D" + name;
        opened = url;
        db = store::Open(url);
    } else {
        auto dir = std::filesystem::temp_directory_path() / "andel-tests";
        std::filesystem::create_directories(dir);
        auto path = dir / (name + ".db");
        for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
        opened = "sqlite:" + path.string();
        db = store::Open(opened);
    }
    store::Migrate(*db, 1'700'000'000'000);
    return db;
}

}  // namespace andel::test
