from dashboard.views.plan import render

render()
