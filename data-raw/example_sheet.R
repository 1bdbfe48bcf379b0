# Writes inst/extdata/example_sheet.csv: a made-up clinical sheet in the
# shape users keep (one row per patient x level x visit, their own column
# names, levels written "Th12", analgesics as words), for the vignette
# "Analysing your own cohort". Deterministic; simulated, not patient data.
set.seed(20261122)
n_patients <- 40
levels_pool <- c("Th10", "Th11", "Th12", "L1", "L2", "L3")
visits <- c("baseline", "3 months", "12 months")
painkillers <- c("none", "paracetamol", "NSAID", "opiate")
rows <- list()
for (i in seq_len(n_patients)) {
  n_fractures <- sample(1:2, 1, prob = c(0.75, 0.25))
  levels <- sample(levels_pool, n_fractures)
  age <- sample(58:89, 1)
  gender <- sample(c("F", "M"), 1, prob = c(0.75, 0.25))
  bmi <- round(rnorm(1, 25.5, 3), 1)
  new_vcf <- sample(c("yes", "no"), 1, prob = c(0.2, 0.8))
  vas0 <- sample(6:10, 1)
  vas <- c(vas0, max(0, vas0 - sample(3:8, 1)), NA)
  vas[3] <- max(0, min(10, vas[2] + sample(-2:1, 1)))
  pk0 <- sample(1:3, 1)
  pk <- c(pk0, max(0, pk0 - sample(0:2, 1)), NA)
  pk[3] <- max(0, pk[2] - sample(0:1, 1))
  for (lev in levels) {
    bme0 <- sample(c(50, 60, 75, 80, 90, 100), 1)
    bme3 <- max(0, bme0 - sample(c(20, 30, 40, 50, 60, 100), 1))
    bme12 <- if (bme3 == 0) 0 else max(0, bme3 - sample(c(0, 10, 20, 100), 1))
    rows[[length(rows) + 1L]] <- data.frame(
      `Study ID` = sprintf("S%02d", i), Age = age, Gender = gender, BMI = bmi,
      `New fracture` = new_vcf, Level = lev, Visit = visits,
      `VAS score` = vas, Painkillers = painkillers[pk + 1L],
      `BME %` = c(bme0, bme3, bme12), `Cement (ml)` = round(runif(1, 1.5, 4.5), 1),
      check.names = FALSE)
  }
}
sheet <- do.call(rbind, rows)
# Two missing follow-up scores, as real sheets have.
sheet$`VAS score`[c(8, 29)] <- NA
utils::write.csv(sheet, "inst/extdata/example_sheet.csv", row.names = FALSE)
