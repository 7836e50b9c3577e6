/** The wall area's words in English, the source every translation follows. */
export default {}
