"""Personal data duties (PIPL, issue 20 item 1): the register of what is kept and why, the notice, drivers' consent."""
