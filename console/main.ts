// `npm run console`: the pen's console on the command line (console/app.ts does the work).
import { runConsole } from "./app"

runConsole(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        console.error(`error: ${e instanceof Error ? e.stack : e}`)
        process.exit(2)
    }
)
