"""CPR: the SF1520 person register (PersonBaseDataExtended v4) behind a small port."""
