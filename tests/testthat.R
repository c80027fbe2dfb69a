library(testthat)
library(smallsurv)

test_check("smallsurv")
