from dashboard.views.alerts import render

render()
