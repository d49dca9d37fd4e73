"""The demo's text material: names and the words of coaching conversations, audits, listings and tickets.

Templates take `str.format` fields: {first} (the client's first name), {coach} (the replying coach's first
name), {amount}, {fee}, {goal}, {listing}, {day}, {link}.
"""

FIRST_NAMES = (
    "Maya", "Liam", "Sofia", "Noah", "Amara", "Lucas", "Priya", "Mateo", "Hannah", "Kwame", "Elena", "Omar",
    "Grace", "Tomasz", "Aisha", "Diego", "Freya", "Jonah", "Leila", "Marcus", "Nadia", "Oscar", "Ines", "Ravi",
    "Chloe", "Samuel", "Yara", "Felix", "Zanele", "Hugo", "Mei", "Tariq", "Alice", "Bruno", "Carmen", "Dmitri",
    "Esther", "Farid", "Gemma", "Hiro", "Isla", "Jakob", "Keiko", "Lorenzo", "Mira", "Nikolai", "Olivia", "Pablo",
    "Quinn", "Rosa", "Stefan", "Tara", "Umar", "Vera", "Wen", "Ximena", "Yusuf", "Zoe", "Anders", "Bea",
)
LAST_NAMES = (
    "Okafor", "Lindqvist", "Moreau", "Patel", "Nakamura", "Costa", "Schneider", "Haddad", "Kowalski", "Mensah",
    "Novak", "Fernandez", "O'Brien", "Rossi", "Sato", "Adeyemi", "Jensen", "Kaur", "Dubois", "Alvarez", "Weber",
    "Ivanova", "Murphy", "Tanaka", "Silva", "Larsen", "Bianchi", "Chen", "Gallagher", "Mbeki", "Horvat", "Reyes",
    "Fischer", "Ahmed", "Nowak", "Petrov", "Eriksen", "Romero", "Keller", "Osei",
)

LEARNING_CENTER = {
    "fees": "https://learn.example.com/articles/ad-platform-fee",
    "listings": "https://learn.example.com/articles/listing-guidelines",
    "goals": "https://learn.example.com/articles/daily-goal",
    "payouts": "https://learn.example.com/articles/payout-schedule",
    "setup": "https://learn.example.com/articles/account-setup",
    "ads": "https://learn.example.com/articles/ad-credit",
}

# One conversation topic: exchanges and their subjects (subjects[i] titles exchanges[i]). An exchange is the client's opening question, the coach's
# answer to it, and follow-ups that fit that answer, each (client's follow-up, coach's second answer).
TOPICS = {
    "fees": {
        "subjects": ("How do I pay the monthly fee?", "Question about fees", "Ad platform fee", "Fee charged twice?"),
        "exchanges": (
            ("Hi {coach}, my ad platform fee of {fee} is due on the {day} and I'm not sure which way to pay it. "
             "What are my options?",
             "Hi {first}! There are three ways to pay the ad platform fee: 1) automatic card payment on the due "
             "date, 2) deduction from your next payout, or 3) a manual bank transfer from the Billing page. Most "
             "sellers pick the payout deduction so they never miss it. Details are here: {link}",
             (("Thanks. If I switch to payout deduction, what happens if my payout is smaller than the fee?",
               "If the payout is smaller, the rest is charged to your card on file, so nothing goes unpaid and "
               "your listings stay promoted."),
              ("Is the bank transfer instant? The due date is close.",
               "Transfers take 1-2 business days, so for this month the card or the payout deduction is safer."))),
            ("Hello, I just saw a charge of {fee} on my statement for the ad platform. Is that the monthly fee or "
             "something else?",
             "Good question, {first}. The {fee} is the monthly ad platform fee; it covers your promoted listings "
             "for the month. You can switch it to come out of your payout under Settings > Billing. Here is the "
             "article: {link}",
             (("Got it. Is the fee the same if I only promote one listing?",
               "The fee is flat, {first}, so promoting more listings costs the same. That is why I suggest "
               "promoting your three best sellers rather than just one."),
              ("Will I get a receipt for it somewhere?",
               "Yes: every fee shows up under Billing > Statements with a PDF receipt, usually the day after it "
               "is taken."))),
            ("Quick question: can the ad platform fee come out of my payout instead of my card? My card expires "
             "this month.",
             "Yes, you can! Go to Settings > Billing > Payment method and choose \"Deduct from payout\". The "
             "change applies from the next cycle, so this month's {fee} still goes on the card. More here: {link}",
             (("OK, I changed it. Will I get a receipt for the fee somewhere?",
               "Yes: every fee shows up under Billing > Statements with a PDF receipt, usually the day after it "
               "is taken."),)),
            ("I think I was charged the fee twice this month ({fee} on two days). Can you check?",
             "Thanks for flagging this, {first}. I looked at your billing history: the second charge is a "
             "temporary hold from the card check, not a real payment, and it drops off within 3-5 business "
             "days. If it is still there next week, tell me and I'll open a ticket with billing.",
             (("It's been a week and the second charge is still there.",
               "Thanks for checking, {first}. I've opened a ticket with billing and marked it high priority; "
               "I'll update you here as soon as they answer."),)),
        ),
    },
    "listings": {
        "subjects": ("Listing not approved yet", "Why was my listing rejected?", "Refurbished items", "Photos rule"),
        "exchanges": (
            ("Hi {coach}, I submitted \"{listing}\" yesterday and it still says pending. How long does approval "
             "take?",
             "Hi {first}, listings are usually reviewed within 24 hours. Yours is in the queue; I've checked and "
             "nothing is missing. You'll get a notification as soon as it is approved.",
             (("It got approved, thank you! Should I promote it right away?",
               "Great news! Give it two or three days of organic views first, then promote it if it gets saves "
               "but no sales."),)),
            ("My listing \"{listing}\" was rejected and the reason just says \"policy\". What did I do wrong?",
             "Sorry about that, {first}. The usual reasons are a missing price, contact details in the "
             "description, or stock photos. Your listing had a phone number in the description; remove it, "
             "resubmit, and it should go through. Guidelines: {link}",
             (("I removed the phone number and resubmitted. Does it go to the back of the queue?",
               "It keeps its place by submission time, so it should be reviewed today."),)),
            ("Can I list refurbished items, or only new ones? I have a few I'd like to put up.",
             "Refurbished items are welcome as long as the title says \"Refurbished\" and the description lists "
             "the condition and any warranty. Here are the listing guidelines: {link}",
             (("Do I have to offer a warranty?",
               "No, but say clearly if there is none. Listings with a warranty of 3 months or more sell faster."),)),
            ("Do I need my own photos for \"{listing}\" or can I use the manufacturer's pictures?",
             "Please use your own photos, {first}. Manufacturer images are fine as an extra, but at least the "
             "first picture must show the actual item. It also converts better.",
             (("Thanks! And how many photos can I add?",
               "Up to 12 photos. Sellers with 5 or more get noticeably more views."),)),
        ),
    },
    "goals": {
        "subjects": ("My daily goal", "What counts toward the goal?", "Missed my goal this week", "Daily goal too high?"),
        "exchanges": (
            ("Hi {coach}, I keep missing my daily goal of {goal} actions. Is that normal for a new seller?",
             "Hi {first}, it's very common in the first weeks. The goal counts new listings, price updates and "
             "replies to buyers. Try doing your price updates in one batch every morning; that alone covers half "
             "of it. Here's the article: {link}",
             (("That makes sense. Do edits to photos count as an update?",
               "Photo edits count as long as you save the listing afterwards."),)),
            ("What exactly counts toward the daily goal? I answered all my buyer messages but it still shows "
             "missed.",
             "The goal counts listings, price updates and buyer replies sent within the same calendar day (UTC). "
             "Your replies yesterday went out after midnight UTC, so they counted for today. I know it's "
             "confusing!",
             (("Thanks {coach}. What time does the day reset?",
               "At midnight UTC, which is when the counter on your dashboard goes back to zero."),)),
            ("I missed the goal three days in a row because of work. Does that hurt my account?",
             "Missing a few days does not affect your account at all, {first}. The goal is there to build a "
             "habit. Pick it back up when you can; even half the goal keeps your listings fresh.",
             (("OK. Is there a way to see my streak?",
               "Yes: Dashboard > Daily goal shows the last 30 days in green and grey."),)),
            ("Could my daily goal be lowered a bit? {goal} feels like a lot on weekdays.",
             "The goal is set from your category, but I've noted that weekdays are hard for you. Let's look at "
             "your numbers at the end of the month and adjust if it still doesn't fit.",
             (("Sounds fair. Do weekend actions count double?",
               "They count the same, but many sellers catch up on Saturdays, and the goal is per day, so a "
               "strong weekend keeps your monthly rate up."),)),
        ),
    },
    "payouts": {
        "subjects": ("Payout missing", "When do I get paid?", "Payout amount looks wrong", "Change bank account"),
        "exchanges": (
            ("Hi, I expected a payout of {amount} on Friday but nothing arrived. Can you check?",
             "Hi {first}, I checked: your payout of {amount} was sent on Friday and banks take 1-3 business days. "
             "If it isn't there by Wednesday, reply here and I'll escalate it.",
             (("It arrived this morning, thank you!",
               "Great, glad it's sorted. Let me know if anything else comes up."),)),
            ("When are payouts sent? This is my first month selling.",
             "Welcome, {first}! Payouts go out every Friday for sales that were delivered at least 7 days "
             "earlier. The schedule is explained here: {link}",
             (("Do returns get taken from the next payout?",
               "Yes, a refunded order is deducted from the next payout, and you'll see it as its own line."),)),
            ("My payout was {amount} but my sales page says more. Where did the difference go?",
             "The difference is the ad platform fee and the shipping labels you bought, both taken from the "
             "payout. You can see each line under Billing > Payouts > Details.",
             (("I see the fee, but the shipping labels look higher than what I bought.",
               "Good catch. Two labels were charged for one order; I've filed a ticket so billing refunds the "
               "duplicate with your next payout."),)),
            ("I changed banks. How do I update where my payouts go?",
             "Go to Settings > Payouts > Bank account and add the new account; it is verified with two small "
             "deposits within two days. Until then payouts keep going to the old account.",
             (("The small deposits arrived. Where do I enter them?",
               "Settings > Payouts > Verify: enter both amounts in cents and you're done."),)),
        ),
    },
    "setup": {
        "subjects": ("Getting started", "Verifying my identity", "Shop profile", "Second person on my account"),
        "exchanges": (
            ("Hi {coach}, I just joined. What should I do first to set up my shop?",
             "Welcome aboard, {first}! First three steps: verify your identity, add a payout account, and post "
             "three listings with your own photos. The setup guide walks through each: {link}",
             (("Done! What's a good number of listings to start with?",
               "Ten is a good start: enough that buyers see a real shop, few enough to keep up with "
               "questions."),)),
            ("My identity check has been pending for two days. Is something wrong?",
             "Identity checks usually finish within 48 hours. Yours is waiting for a clearer photo of the back "
             "of your ID; you should have an email about it. Upload it again and it's usually done the same day.",
             (("Uploaded again. Thanks for checking.", "You're welcome! It shows as verified now."),)),
            ("How do I add a logo and description to my shop profile?",
             "Go to Shop > Profile > Edit. Logos should be square, at least 400 px. A two-line description of "
             "what you sell and how fast you ship works best.",
             (("Should I mention vacation times in the description?",
               "Better to use vacation mode: it pauses your listings so buyers don't order while you can't "
               "ship."),)),
            ("Can two people manage the same seller account?",
             "Yes, under Settings > Team you can invite a second person with their own login; they can manage "
             "listings but not payouts.",
             (("Can they answer buyer messages too?",
               "Yes, and their replies count toward the shop's daily goal."),)),
        ),
    },
    "ads": {
        "subjects": ("Ad credit", "Is my ad credit used up?", "Promoted listings"),
        "exchanges": (
            ("Hi, I got ad credit this month. How do I use it?",
             "Hi {first}! Ad credit is applied automatically to promoted listings before anything is charged. "
             "Pick the listings under Marketing > Promote; here's how it works: {link}",
             (("Does unused credit roll over?",
               "Unused credit expires at the end of the month, so it's worth using it all."),)),
            ("My promoted listings stopped showing. Did my ad credit run out?",
             "You used the full credit on the 20th, {first}, so promotion paused. It restarts on the 1st, or "
             "you can top up under Marketing > Budget.",
             (("Can I see which listings the credit went to?",
               "Yes, Marketing > Reports splits the spend by listing and by day."),)),
            ("Is it worth promoting listings in my first month?",
             "In the first month I'd promote one or two listings that already get views. The ad credit covers "
             "most of it, so it's a cheap way to learn what works.",
             (("Which of mine would you pick?",
               "\"{listing}\" gets the most views of yours, so I'd start with that one."),)),
        ),
    },
}

THANKS = (
    "Thank you so much!", "Perfect, that helps.", "Thanks {coach}, that answers it.", "Great, thanks for the quick "
    "reply.", "Got it, thanks!",
)
CLOSINGS = (
    "You're welcome, {first}! Good luck with the sales this week.", "Happy to help. Message me any time.",
    "Anytime! Keep an eye on your daily goal this week; you're close to a streak.",
)
NUDGES = (
    "Hello? Still waiting on this one.", "Any update on my question above?",
    "Sorry to bother you again, this is a bit urgent.",
)

AUDIT_COMMENTS = {
    "green": (
        "Clear, friendly and linked the right Learning Center article.", "Great answer: all three fee options, "
        "in order.", "Excellent follow-through on the payout question.", None, None,
    ),
    "blue": (
        "Good answer; next time link the Learning Center article so the client can find it again.",
        "Consider mentioning the payout deduction option as well.", "Could be shorter: lead with the answer.",
        "Nice tone. Add the expected timeline (24 h) for approvals.", None,
    ),
    "yellow": (
        "The fee options were incomplete: the manual bank transfer was not mentioned.",
        "This reply did not answer the client's question about the double charge.",
        "Incorrect payout schedule: payouts go out on Fridays, not Mondays.",
        "Tone was abrupt; acknowledge the client's frustration before explaining.",
        "No Learning Center link and the listing rule quoted is outdated.",
    ),
}

LISTING_ITEMS = (
    "Handmade ceramic mug", "Vintage leather satchel", "Refurbished wireless headphones", "Oak cutting board",
    "Hand-knit wool scarf", "Children's wooden puzzle set", "Linen tablecloth", "Scented soy candle (3 pack)",
    "Cast iron skillet 26 cm", "Watercolour print A3", "Bamboo phone stand", "Silver hoop earrings",
    "Macrame plant hanger", "Espresso tamper", "Canvas tote bag", "Retro film camera", "Yoga mat with strap",
    "Board game: castle builders", "Sourdough starter kit", "Mechanical keyboard keycaps",
)
LISTING_DETAILS = (
    "Brand new, ships within two days.", "Lightly used, in very good condition, see photos.",
    "Made to order; allow a week before shipping.", "Refurbished with a 6-month warranty.",
)
REJECT_REASONS = (
    "Contact details in the description.", "Stock photo as the first image.", "Prohibited item category.",
    "Price missing or misleading.", "Duplicate of an existing listing.",
)
LATE_REJECT_REASONS = (
    "Reported by buyers: counterfeit brand logo.", "Item turned out to be a prohibited category on review.",
    "Description links to an outside shop.",
)
REPORT_REASONS = (
    "The photos look like they were copied from another shop.", "Seller asks buyers to pay outside the platform.",
    "This looks like a counterfeit.", "Price changed after I ordered.",
)

TICKETS = (
    ("Payout not received after 5 business days", "Payouts > Transfers", "high"),
    ("Ad platform fee charged twice in one month", "Billing > Statements", "urgent"),
    ("Identity check stuck in pending for a week", "Account > Verification", "normal"),
    ("Listing approved but not visible in search", "Marketplace > Search", "normal"),
    ("Daily goal counter did not update after price changes", "Dashboard > Daily goal", "low"),
    ("Promoted listings stopped before the ad credit ran out", "Marketing > Promote", "high"),
    ("Shop logo upload fails with an error", "Shop > Profile", "low"),
    ("Bank account verification deposits never arrived", "Settings > Payouts", "normal"),
)
TICKET_NOTES = (
    "Reproduced with the client's account; forwarded to billing.", "Waiting on the payments provider.",
    "Fixed by engineering, asked the coach to confirm with the client.", "Client confirmed it works now.",
    "Duplicate of an older report; linking them.",
)

SAVED_REPLIES = (
    ("Ad platform fee: the three options", "reply",
     "Hi {{client.first_name}}, there are three ways to pay the ad platform fee: 1) automatic card payment on "
     "the due date, 2) deduction from your next payout, 3) manual bank transfer from the Billing page. "
     "{{coach.first_name}}"),
    ("Learning Center: ad platform fee", "link", LEARNING_CENTER["fees"]),
    ("Learning Center: listing guidelines", "link", LEARNING_CENTER["listings"]),
    ("Learning Center: daily goal", "link", LEARNING_CENTER["goals"]),
    ("Payout schedule", "reply",
     "Payouts go out every Friday for sales delivered at least 7 days earlier; banks take 1-3 business days."),
    ("Listing review time", "reply", "Listings are usually reviewed within 24 hours of submission."),
    ("Learning Center: payout schedule", "link", LEARNING_CENTER["payouts"]),
)
TEAM_SAVED_REPLIES = (
    ("Team: welcome message", "reply",
     "Welcome aboard, {{client.first_name}}! I'm {{coach.name}}, your Success Coach. First steps: verify your identity, add a payout account and post "
     "three listings with your own photos."),
    ("Team: account setup guide", "link", LEARNING_CENTER["setup"]),
    ("Team: ad credit explained", "link", LEARNING_CENTER["ads"]),
)

RATING_COMMENTS = {
    5: ("Always answers fast and explains things clearly.", "Helped me get my first sale!", None),
    4: ("Very helpful, sometimes a bit slow on weekends.", None),
    3: ("Answers are fine but I often have to ask twice.", None),
    2: ("Took more than a day to answer my payout question.",),
    1: ("Never got a real answer about the double fee.",),
}
