// Energy price of a site's grid imports, an hourly series in USD/J on the scenario calendar:
//
//   cost of a step = E_import · p̄,  p̄ = (1/(t1−t0)) ∫ p dt     (exact for the step-function series)
//
// Models (registry "grid_price"): flat (one price), tou (a time-of-use tariff: a base price and
// periods of the day with their own price, on all days, weekdays or weekends, in the tariff's
// local clock; price_tou.cpp), csv (an hourly market-price file: timestamp, price_usd_per_mwh;
// series_csv.hpp). Demand charges on the monthly peak are the SiteGrid's (site_grid.hpp).
#pragma once

#include <memory>
#include <string>

#include "models/grid/hourly_series.hpp"
#include "models/grid/supply.hpp"

namespace dcsim::grid {

class GridPrice {
 public:
  GridPrice(HourlySeries usd_per_j, std::string description)
      : series_(std::move(usd_per_j)), description_(std::move(description)) {}
  double price(double t0, double t1) const { return series_.mean(t0, t1); }  // USD/J
  double price_at(double t) const { return series_.at(t); }
  const std::string& description() const { return description_; }
  const HourlySeries& series() const { return series_; }

 private:
  HourlySeries series_;
  std::string description_;
};

using PriceRegistry = Registry<GridPrice, const GridContext&>;
PriceRegistry& price_registry();

void register_price_models(PriceRegistry& r);  // flat, csv
void register_tou_price(PriceRegistry& r);

constexpr double kJPerMWh = 3.6e9;

}  // namespace dcsim::grid
