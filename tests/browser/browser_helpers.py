"""Steps shared by browser tests."""
def sign_in(page, username: str, password: str = "gotong-demo") -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
