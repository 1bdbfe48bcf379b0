# Builds inst/extdata/published/<study>_structure.csv: the relations between
# published numbers that the tables' layout implies but vcf_published()'s
# rows do not carry (numbers repeated in two tables, a count that is the
# denominator of percentages in another row, a total printed in one table
# and its parts in another). vcf_audit() applies them besides the relations
# it finds by itself. Each row: relation, total (one id), parts (ids
# separated by spaces), note (why the relation holds, in the paper's words).
#
# Run from the package root: Rscript data-raw/audit_structure.R

rel <- function(relation, total, parts, note) {
  data.frame(relation = relation, total = total, parts = vapply(parts, paste, "", collapse = " "),
             note = note, stringsAsFactors = FALSE)
}
intervals <- c("0_3", "3_6", "6_12")

pv <- rbind(
  # Subgroup A is the population of Tables 2 and 3
  rel("equal", "pv.t1.patients_n.a", list("pv.t2.patients_n", "pv.t3.patients_n"),
      "Tables 2 and 3 describe subgroup A of Table 1"),
  # Denominators printed as counts or n in other rows
  rel("denominator", "pv.t2.vcf_with_bme_count.3_6",
      list(c("pv.t2.bme_decrease_percent.3_6", "pv.t2.bme_similar_percent.3_6")),
      "the change in BME extent from 3 to 6 months concerns the VCF with BME at 3 months"),
  rel("denominator", "pv.t2.vcf_with_bme_count.6_12",
      list(c("pv.t2.bme_decrease_percent.6_12", "pv.t2.bme_similar_percent.6_12")),
      "the change in BME extent from 6 to 12 months concerns the VCF with BME at 6 months"),
  rel("denominator", "pv.t2.patients_n",
      list(c(paste0("pv.t2.", rep(c("vas_decrease", "vas_similar", "vas_increase",
                                    "analgesic_decrease", "analgesic_similar",
                                    "analgesic_increase"), each = 3), "_percent.", intervals),
             paste0("pv.t2.bme_", c("decrease", "similar"), "_percent.0_3"))),
      "pain and analgesic changes concern the 31 patients of subgroup A"),
  rel("denominator", "pv.t1.patients_n.total",
      list(c("pv.t1.women_percent.total", paste0("pv.t1.analgesic0_", c("none", "paracetamol", "nsaid", "opiate"), "_percent.total"),
             "pv.t1.multiple_treated_percent.total", "pv.t1.new_vcf_percent.total",
             "pv.t1.pain_other_level_percent.total")),
      "patient rows of Table 1 are percentages of the patients"),
  rel("denominator", "pv.t1.patients_n.a",
      list(c("pv.t1.women_percent.a", paste0("pv.t1.analgesic0_", c("none", "paracetamol", "nsaid", "opiate"), "_percent.a"))),
      "patient rows of Table 1 are percentages of the patients"),
  rel("denominator", "pv.t1.patients_n.b",
      list(c("pv.t1.women_percent.b", paste0("pv.t1.analgesic0_", c("none", "paracetamol", "nsaid", "opiate"), "_percent.b"),
             "pv.t1.multiple_treated_percent.b", "pv.t1.new_vcf_percent.b",
             "pv.t1.pain_other_level_percent.b")),
      "patient rows of Table 1 are percentages of the patients"),
  do.call(rbind, lapply(c(total = "total", a = "a", b = "b"), function(g) {
    rel("denominator", paste0("pv.t1.vcf_treated_n.", g),
        list(paste0("pv.t1.", c("bme_minor", "bme_moderate", "bme_severe", "shape_wedge",
                                "shape_biconcave", "grade_mild", "grade_moderate",
                                "grade_severe"), "_percent.", g)),
        "fracture rows of Table 1 are percentages of the treated VCF")
  })),
  # The mean age lies within the age range printed in the row above
  do.call(rbind, lapply(c("total", "a", "b"), function(g) {
    rel("within", paste0("pv.t1.age_mean.", g),
        list(paste0("pv.t1.age_", c("min", "max"), ".", g)),
        "the mean age lies within the printed age range")
  })),
  # Table 2's subgroup A values are averages over Table 3's groups, which
  # split the same patients (decrease / similar BME; BME absent / present)
  do.call(rbind, lapply(intervals, function(iv) rbind(
    rel("between", paste0("pv.t2.vas_decrease_mean.", iv),
        list(paste0("pv.t3.", c("decrease_bme", "similar_bme"), ".vas.", iv)),
        "the mean VAS decrease of subgroup A averages those of VCF with decreased and similar BME"),
    rel("between", paste0("pv.t2.vas_decrease_mean.", iv),
        list(paste0("pv.t3.", c("bme_absent", "bme_present"), ".vas.", iv)),
        "the mean VAS decrease of subgroup A averages those of VCF with BME absent and present"),
    rel("between", paste0("pv.t2.analgesic_decrease_percent.", iv),
        list(paste0("pv.t3.", c("decrease_bme", "similar_bme"), ".analgesic.", iv)),
        "the share with decreased analgesic use averages that of VCF with decreased and similar BME"),
    rel("between", paste0("pv.t2.analgesic_decrease_percent.", iv),
        list(paste0("pv.t3.", c("bme_absent", "bme_present"), ".analgesic.", iv)),
        "the share with decreased analgesic use averages that of VCF with BME absent and present")))))

visits <- c(height_pct = "height", vas = "vas", odi = "odi")
bkp <- rbind(
  rel("equal", "bkp.t1.patients_n", list("bkp.t2.patients_n"), "both tables describe the 61 patients"),
  do.call(rbind, lapply(names(visits), function(v) do.call(rbind, lapply(c("mean", "min", "max"), function(s) {
    rel("equal", paste0("bkp.t1.", v, "_", s, ".post"), list(paste0("bkp.t2.", v, "_", s, ".post")),
        "the post-operative value is printed in Table 1 and again in Table 2")
  })))))

out <- file.path("inst", "extdata", "published")
utils::write.csv(pv, file.path(out, "pv_edema_structure.csv"), row.names = FALSE)
utils::write.csv(bkp, file.path(out, "bkp_osteonecrosis_structure.csv"), row.names = FALSE)
