# Writes the corpus of realistic cohort sheets that tests/testthat/
# test-cohort-sheets.R reads (tests/testthat/fixtures/sheets/), and the
# wide example sheet of the own-cohort vignette
# (inst/extdata/example_cohort.xlsx). Made-up patients, not patient data.
# Deterministic: run from the package root with
#   Rscript data-raw/sheets.R
# It needs openxlsx (Debian: r-cran-openxlsx); the package itself only reads.
library(openxlsx)
set.seed(20261202)
out <- "tests/testthat/fixtures/sheets"
dir.create(out, recursive = TRUE, showWarnings = FALSE)

# One row per patient with a single treated fracture: the values every
# sheet below lays out in its own way.
make_patients <- function(n, prefix = "P") {
  vas0 <- sample(5:10, n, replace = TRUE)
  vas3 <- pmax(0, vas0 - sample(2:7, n, replace = TRUE))
  vas12 <- pmax(0, pmin(10, vas3 + sample(-2:1, n, replace = TRUE)))
  odi0 <- sample(40:90, n, replace = TRUE)
  odi12 <- pmax(0, odi0 - sample(10:50, n, replace = TRUE))
  bme0 <- sample(c(40, 55, 70, 85, 100), n, replace = TRUE)
  bme3 <- pmax(0, bme0 - sample(c(20, 35, 50, 100), n, replace = TRUE))
  bme12 <- ifelse(bme3 == 0, 0, pmax(0, bme3 - sample(c(0, 15, 100), n, replace = TRUE)))
  data.frame(
    id = sprintf("%s%02d", prefix, seq_len(n)),
    age = sample(58:91, n, replace = TRUE),
    sex = sample(c("f", "m"), n, replace = TRUE, prob = c(0.7, 0.3)),
    level = sample(c("T11", "T12", "L1", "L2", "L3"), n, replace = TRUE),
    vas0 = vas0, vas3 = vas3, vas12 = vas12, odi0 = odi0, odi12 = odi12,
    bme0 = bme0, bme3 = bme3, bme12 = bme12,
    new_vcf = sample(c(TRUE, FALSE), n, replace = TRUE, prob = c(0.2, 0.8)),
    diabetes = sample(c(TRUE, FALSE), n, replace = TRUE, prob = c(0.25, 0.75)),
    surgery = as.Date("2024-01-08") + sample(0:400, n),
    comment = sample(c("", "slow mobilisation", "fell at home in week 2",
                       "cement leak, asymptomatic", "good recovery", "referred by GP",
                       "second opinion", "history of breast cancer"), n, replace = TRUE),
    stringsAsFactors = FALSE)
}

title_rows <- function(wb, sheet, title, cols) {
  writeData(wb, sheet, title, startRow = 1, startCol = 1)
  mergeCells(wb, sheet, cols = seq_len(cols), rows = 1)
  writeData(wb, sheet, "Department of Radiology - vertebroplasty follow-up", startRow = 2,
            startCol = 1)
  mergeCells(wb, sheet, cols = seq_len(cols), rows = 2)
}

save <- function(wb, name) saveWorkbook(wb, file.path(out, name), overwrite = TRUE)

# 1. wide.xlsx: one row per patient, a merged title over two rows, header on
# row 4 of the second sheet "FU"; VAS at three visits, ODI at two.
p <- make_patients(16)
wide <- data.frame(`Patient` = p$id, `Age` = p$age, `Sex` = toupper(p$sex),
                   `Level` = p$level, `VAS pre` = p$vas0, `VAS 3m` = p$vas3,
                   `VAS 12 mo` = p$vas12, `ODI pre` = p$odi0, `ODI 12 mo` = p$odi12,
                   `Date of surgery` = p$surgery, `Comment` = p$comment,
                   check.names = FALSE)
wb <- createWorkbook()
addWorksheet(wb, "Info")
writeData(wb, "Info", "Sheet FU holds the follow-up.")
addWorksheet(wb, "FU")
title_rows(wb, "FU", "Vertebroplasty cohort 2024", ncol(wide))
writeData(wb, "FU", wide, startRow = 4)
save(wb, "wide.xlsx")

# 2. long.csv: comma separated, one row per patient x visit.
p <- make_patients(14)
long <- do.call(rbind, lapply(seq_len(nrow(p)), function(i) data.frame(
  patient = p$id[i], age = p$age[i], sex = p$sex[i], level = p$level[i],
  visit = c("baseline", "3 months", "12 months"),
  vas = c(p$vas0[i], p$vas3[i], p$vas12[i]),
  bme_pct = c(p$bme0[i], p$bme3[i], p$bme12[i]), stringsAsFactors = FALSE)))
utils::write.csv(long, file.path(out, "long.csv"), row.names = FALSE)

# 3. long_semicolon.csv: semicolon separated with decimal commas (as a
# European Excel exports), trailing spaces and numbers as text.
p <- make_patients(12)
half <- sample(c(0, 0.5), nrow(p), replace = TRUE)
semi <- do.call(rbind, lapply(seq_len(nrow(p)), function(i) data.frame(
  ID = p$id[i], Level = paste0(p$level[i], " "), Visit = c("pre-op", "3 mo", "12 mo"),
  VAS = format(c(p$vas0[i] - half[i], p$vas3[i], p$vas12[i]), decimal.mark = ",", trim = TRUE),
  `BME %` = format(c(p$bme0[i], p$bme3[i] + 0.5, p$bme12[i]), decimal.mark = ",", trim = TRUE),
  check.names = FALSE, stringsAsFactors = FALSE)))
utils::write.table(semi, file.path(out, "long_semicolon.csv"), sep = ";", dec = ",",
                   row.names = FALSE, quote = FALSE)

# 4. mixed.xlsx: long VAS rows with a visit column, ODI in two wide columns
# given on each patient's first row only.
p <- make_patients(12)
mixed <- do.call(rbind, lapply(seq_len(nrow(p)), function(i) data.frame(
  `Study ID` = p$id[i], Level = p$level[i], Visit = c("pre", "3m", "12m"),
  `VAS` = c(p$vas0[i], p$vas3[i], p$vas12[i]),
  `ODI pre` = c(p$odi0[i], NA, NA), `ODI 12 months` = c(p$odi12[i], NA, NA),
  check.names = FALSE)))
wb <- createWorkbook()
addWorksheet(wb, "data")
writeData(wb, "data", mixed)
save(wb, "mixed.xlsx")

# 5. two_header.xlsx: group headers "VAS" and "ODI" merged over the visit
# headers in the row below.
p <- make_patients(15)
wb <- createWorkbook()
addWorksheet(wb, "cohort")
writeData(wb, "cohort", "Follow-up after kyphoplasty", startRow = 1)
mergeCells(wb, "cohort", cols = 1:9, rows = 1)
top <- c("ID", "Level", "Age", "VAS", NA, NA, "ODI", NA, "Remarks")
bottom <- c(NA, NA, NA, "pre", "3 months", "12 months", "pre", "12 months", NA)
writeData(wb, "cohort", as.data.frame(t(top)), startRow = 3, colNames = FALSE)
writeData(wb, "cohort", as.data.frame(t(bottom)), startRow = 4, colNames = FALSE)
mergeCells(wb, "cohort", cols = 4:6, rows = 3)
mergeCells(wb, "cohort", cols = 7:8, rows = 3)
body <- data.frame(p$id, p$level, p$age, p$vas0, p$vas3, p$vas12, p$odi0, p$odi12,
                   p$comment)
writeData(wb, "cohort", body, startRow = 5, colNames = FALSE)
save(wb, "two_header.xlsx")

# 6. german.xlsx: German headers and values (w/m, ja/nein), visits in
# German, an own yes/no column (Diabetes) to analyse.
p <- make_patients(14)
ja <- function(x) ifelse(x, "ja", "nein")
german <- data.frame(`Pat-Nr` = p$id, `Alter` = p$age,
                     `Geschlecht` = ifelse(p$sex == "f", "w", "m"),
                     `Hoehe` = sub("^T", "Th", p$level), `Neue Fraktur` = ja(p$new_vcf),
                     `Diabetes` = ja(p$diabetes), `VAS 0` = p$vas0,
                     `VAS 3 Monate` = p$vas3, `VAS 12 Monate` = p$vas12,
                     check.names = FALSE)
wb <- createWorkbook()
addWorksheet(wb, "Verlauf")
writeData(wb, "Verlauf", german)
save(wb, "german.xlsx")

# 7. dutch.csv: semicolon separated, Dutch headers and values (m/v,
# ja/nee), visits "0", "3 maanden", "1 jaar".
p <- make_patients(13)
nee <- function(x) ifelse(x, "ja", "nee")
dutch <- data.frame(`Patientnummer` = p$id, `Leeftijd` = p$age,
                    `Geslacht` = ifelse(p$sex == "f", "v", "m"), `Niveau` = p$level,
                    `Nieuwe fractuur` = nee(p$new_vcf), `Diabetes` = nee(p$diabetes),
                    `VAS 0` = p$vas0, `VAS 3 maanden` = p$vas3, `VAS 1 jaar` = p$vas12,
                    check.names = FALSE)
utils::write.table(dutch, file.path(out, "dutch.csv"), sep = ";", row.names = FALSE,
                   quote = FALSE)

# 8. missing_visits.xlsx: wide; cells left empty or marked "n.a.", "-",
# "?" where a visit was missed (numbers then stored as text).
p <- make_patients(18)
miss <- data.frame(Patient = p$id, Level = p$level, `VAS pre` = as.character(p$vas0),
                   `VAS 3m` = as.character(p$vas3), `VAS 12m` = as.character(p$vas12),
                   check.names = FALSE, stringsAsFactors = FALSE)
miss$`VAS 3m`[c(2, 7)] <- c("n.a.", "-")
miss$`VAS 12m`[c(3, 7, 11)] <- c("?", "", "n.a.")
miss$`VAS 12m`[15] <- NA
wb <- createWorkbook()
addWorksheet(wb, "FU")
writeData(wb, "FU", miss)
save(wb, "missing_visits.xlsx")

# 9. odi_two_visits.tsv: long, ODI recorded before treatment and at 12
# months only; VAS at every visit.
p <- make_patients(15)
odi <- do.call(rbind, lapply(seq_len(nrow(p)), function(i) data.frame(
  patient = p$id[i], level = p$level[i], visit = c("0", "3", "12"),
  vas = c(p$vas0[i], p$vas3[i], p$vas12[i]), odi = c(p$odi0[i], NA, p$odi12[i]))))
utils::write.table(odi, file.path(out, "odi_two_visits.tsv"), sep = "\t", row.names = FALSE,
                   quote = FALSE, na = "")

# 10. per_fracture.xlsx: patients with one to three fractures; the
# procedure is recorded per fracture and differs within some patients.
p <- make_patients(12)
rows <- list()
for (i in seq_len(nrow(p))) {
  k <- c(1, 1, 2, 3)[i %% 4 + 1]
  levels <- c("T12", "L1", "L2")[seq_len(k)]
  procedure <- if (k > 1 && i %% 2 == 0) c("PV", "BKP", "PV")[seq_len(k)] else
    rep(sample(c("PV", "BKP"), 1), k)
  for (j in seq_len(k)) {
    rows[[length(rows) + 1L]] <- data.frame(
      Patient = p$id[i], Age = p$age[i], Level = levels[j], Procedure = procedure[j],
      Visit = c("baseline", "3 months", "12 months"),
      `VAS` = c(p$vas0[i], p$vas3[i], p$vas12[i]),
      `BME %` = c(p$bme0[i], p$bme3[i], p$bme12[i]), check.names = FALSE)
  }
}
wb <- createWorkbook()
addWorksheet(wb, "fractures")
writeData(wb, "fractures", do.call(rbind, rows))
save(wb, "per_fracture.xlsx")

# 11. final_visit.xlsx: visits "pre", "FU1" and "final", which need the
# user's order.
p <- make_patients(12)
fu <- data.frame(ID = p$id, Level = p$level, `VAS pre` = p$vas0, `VAS FU1` = p$vas3,
                 `VAS final` = p$vas12, check.names = FALSE)
wb <- createWorkbook()
addWorksheet(wb, "FU")
writeData(wb, "FU", fu)
save(wb, "final_visit.xlsx")

# 12. numeric_visits.csv: wide, one column per visit named VAS_0, VAS_3,
# VAS_12 (visits are numbers), own columns with dates and free text.
p <- make_patients(14)
num <- data.frame(id = p$id, level = p$level, VAS_0 = p$vas0, VAS_3 = p$vas3,
                  VAS_12 = p$vas12, diabetes = ifelse(p$diabetes, "yes", "no"),
                  surgery = format(p$surgery, "%d.%m.%Y"), comment = p$comment)
utils::write.csv(num, file.path(out, "numeric_visits.csv"), row.names = FALSE)

# 13. errors.xlsx: a wide sheet under two title rows (header on row 3,
# data from row 4) with 15 deliberate errors, one per listed cell.
p <- make_patients(16)
err <- data.frame(Patient = p$id, Age = as.character(p$age), Sex = p$sex, Level = p$level,
                  `New fracture` = ifelse(p$new_vcf, "yes", "no"),
                  `Painkillers pre` = sample(c("none", "paracetamol", "NSAID", "opiate"), 16, TRUE),
                  `VAS pre` = as.character(p$vas0), `VAS 3m` = as.character(p$vas3),
                  `VAS 12 mo` = as.character(p$vas12), `ODI pre` = as.character(p$odi0),
                  `BME pre` = as.character(p$bme0),
                  check.names = FALSE, stringsAsFactors = FALSE)
err$`VAS pre`[1] <- "7-8"           # row 4: a range
err$`VAS 3m`[2] <- "12"             # row 5: out of range
err$`VAS 12 mo`[3] <- "abc"         # row 6: not a number
err$Sex[4] <- "x"                   # row 7: unknown sex
err$Level[5] <- "L1/L2"             # row 8: two levels in one cell
err$Level[6] <- "Q7"                # row 9: not a level
err$Patient[7] <- NA                # row 10: missing patient id
err$Age[8] <- "130"                 # row 11: age out of range
err$Age[9] <- "sixty"               # row 12: not a number
err$`ODI pre`[10] <- "150"          # row 13: ODI out of range
err$`New fracture`[11] <- "maybe"   # row 14: not yes/no
err$Patient[12] <- err$Patient[13]  # rows 15, 16: the same patient and level twice
err$Level[12] <- err$Level[13]
err$`Painkillers pre`[14] <- "morphine"   # row 17: unknown analgesic
err$`BME pre`[15] <- "-5"           # row 18: BME out of range
err$Age[16] <- as.character(as.numeric(err$Age[16]))
err <- rbind(err, err[16, ])        # row 20: a second fracture of the last patient
err$Level[17] <- "L4"
err$Age[17] <- as.character(as.numeric(err$Age[16]) + 1)  # row 20: age differs within patient
wb <- createWorkbook()
addWorksheet(wb, "Follow-up")
writeData(wb, "Follow-up", "Kyphoplasty registry (export)", startRow = 1)
mergeCells(wb, "Follow-up", cols = 1:ncol(err), rows = 1)
writeData(wb, "Follow-up", err, startRow = 3)
save(wb, "errors.xlsx")

# The vignette's example: a wide .xlsx with a title, VAS at four visits,
# ODI before treatment and at 12 months, BME% at three visits, own
# columns (diabetes, date of surgery, a comment).
p <- make_patients(40, prefix = "S")
p$vas1 <- pmax(0, p$vas0 - sample(1:5, nrow(p), replace = TRUE))
example <- data.frame(
  `Patient` = p$id, `Age` = p$age, `Sex` = ifelse(p$sex == "f", "F", "M"),
  `Level` = sub("^T", "Th", p$level), `New fracture` = ifelse(p$new_vcf, "yes", "no"),
  `Diabetes` = ifelse(p$diabetes, "yes", "no"), `Date of surgery` = p$surgery,
  `VAS pre-op` = p$vas0, `VAS 2 d` = p$vas1, `VAS 3 months` = p$vas3,
  `VAS 12 months` = p$vas12, `ODI pre-op` = p$odi0, `ODI 12 months` = p$odi12,
  `BME% pre-op` = p$bme0, `BME% 3 months` = p$bme3, `BME% 12 months` = p$bme12,
  `Comment` = p$comment, check.names = FALSE)
example$`VAS 12 months`[c(5, 17)] <- NA
example$`ODI 12 months`[c(9, 30)] <- NA
wb <- createWorkbook()
addWorksheet(wb, "Follow-up")
writeData(wb, "Follow-up", "Vertebroplasty follow-up (simulated patients)", startRow = 1)
mergeCells(wb, "Follow-up", cols = 1:ncol(example), rows = 1)
writeData(wb, "Follow-up", example, startRow = 3)
saveWorkbook(wb, "inst/extdata/example_cohort.xlsx", overwrite = TRUE)

# 14. windows1252.csv: as Excel on Windows saves "CSV" in a German locale:
# Windows-1252 bytes (not UTF-8), semicolons, decimal commas, umlauts in
# headers ("Wirbelkörper", "Schmerz (VAS)") and in free-text remarks.
# Its own seed, so the sheets above are unchanged.
set.seed(14)
p <- make_patients(10)
german_csv <- do.call(rbind, lapply(seq_len(nrow(p)), function(i) data.frame(
  Patient = p$id[i], `Wirbelkörper` = p$level[i],
  Untersuchung = c("pre-op", "3 Monate", "12 Monate"),
  `Schmerz (VAS)` = format(c(p$vas0[i] - 0.5, p$vas3[i], p$vas12[i]), decimal.mark = ",",
                           trim = TRUE),
  Bemerkung = c("", sample(c("", "Rückenschmerz besser", "Zementaustritt"), 2, TRUE)),
  check.names = FALSE, stringsAsFactors = FALSE)))
con <- file(file.path(out, "windows1252.csv"), open = "w", encoding = "CP1252")
utils::write.table(german_csv, con, sep = ";", row.names = FALSE, quote = FALSE)
close(con)
