"""``baa-audit iac``: the BAA policies on Terraform, before deploy, through checkov.

* :mod:`auditor.iac.checkov_env` - checkov's own virtual environment (it pins an old boto3);
* :mod:`auditor.iac.checkov_runner`, :mod:`auditor.iac.checkov_report` - the subprocess and
  its JSON report;
* :mod:`auditor.iac.checks` - the checkov plugin (one check per policy), loaded by checkov only;
* :mod:`auditor.iac.mappers` - Terraform resource -> the live scan's typed model;
* :mod:`auditor.iac.judge` - judging inside checkov; :mod:`auditor.iac.run` - the whole run;
* :mod:`auditor.iac.baseline` - new failures against a base branch's result.

See docs/iac.md.
"""
