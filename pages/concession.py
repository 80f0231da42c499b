from dashboard.views.concession import render

render()
