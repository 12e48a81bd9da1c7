"""The dip app's pages: the officers' register (`register`), and the public website: its pages
(`public`), downloads (`downloads`) and the verification of signed documents (`verify`), with
the conditional-GET and caching helpers they share (`conditional`)."""
