from dashboard.views.county import render

render()
