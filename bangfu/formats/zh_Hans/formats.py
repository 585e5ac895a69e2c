# Figures in groups of three with a comma (12,345), as government statistics and reports print them
# (Django's zh-Hans has no separator and groups of four). Only where a template asks for grouping
# (intcomma, floatformat:"g"): USE_THOUSAND_SEPARATOR stays off, so IDs and years stay plain.
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
