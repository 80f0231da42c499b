from dashboard.views.status import render

render()
