#pragma once
#include <string>
#include <vector>

#include "app/offers/offer_service.hpp"

namespace andel::cli {

// `andel offers ...` (issue 6 §1): the back office's offers from the command line, with the same JSON and
// the same rules as the API (POST /api/v1/offers).
struct OffersCommand {
    std::string verb;                  // list | create | update | pause | resume | report | assign
    std::string market;                // list: only this market
    std::string code;                  // pause, resume, report, assign, update
    std::string file;                  // create, update: a JSON offer, or an array of them (create)
    std::vector<std::string> members;  // assign: member numbers
};

// Runs the verb and prints what it did; exit code 0, 1 (the request was wrong: unknown offer, unreadable
// file), or 3 (create: some offers of the file were refused, each named with why; the others are saved).
int RunOffers(const OffersCommand& cmd, app::OfferService& offers);

}  // namespace andel::cli
