#pragma once
#include <nlohmann/json.hpp>

#include "app/offers/offer_service.hpp"
#include "core/result.hpp"

namespace andel::http {

// An offer as the API reads and shows it (api/openapi.yaml, OfferInput and Offer), shared with the CLI
// (`andel offers create FILE` takes the same JSON as POST /api/v1/offers).
core::Result<app::OfferInput> ReadOfferJson(const nlohmann::json& body, bool creating);
nlohmann::json OfferViewJson(const app::OfferView& v);
nlohmann::json OfferReportJson(const app::OfferReport& r);

}  // namespace andel::http
