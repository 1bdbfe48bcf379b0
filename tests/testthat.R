library(testthat)
library(vcfoutcomes)

test_check("vcfoutcomes")
