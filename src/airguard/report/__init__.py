"""Front ends that present results: terminal tables now, HTML reports later."""
